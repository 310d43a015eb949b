"""The HTTPS clients, kubechat.https, under the name audit code has used."""

from ..https import *  # noqa: F403
