"""The validator: unknown commands, types and flags get a suggestion; argv words stay data."""

import pytest

from kubechat.intent import Flag, Intent
from kubechat.translate.resources import BUILTIN_TABLE
from kubechat.translate.validate import ValidationIssue, check_words, validate


def test_unknown_flag_suggests_the_close_one():
    with pytest.raises(ValidationIssue, match="did you mean --overwrite"):
        validate(
            Intent(verb="label", resource="pods", names=["a"], args=["x=y"], flags=[Flag(name="overwrit")]),
            BUILTIN_TABLE,
        )


def test_unknown_resource_suggests_the_close_one():
    with pytest.raises(ValidationIssue, match="did you mean deployments"):
        validate(Intent(verb="get", resource="deploymens"), BUILTIN_TABLE)


def test_unknown_command_is_rejected():
    with pytest.raises(ValidationIssue, match="no command"):
        validate(Intent(verb="destroy", resource="pods"), BUILTIN_TABLE)


@pytest.mark.parametrize("name", ["web; rm -rf ~", "a b", "$(id)", "x\ny", "../etc"])
def test_names_must_be_kubernetes_names(name):
    with pytest.raises(ValidationIssue):
        validate(Intent(verb="delete", resource="pods", names=[name]), BUILTIN_TABLE)


@pytest.mark.parametrize("word", ["ls;id", "a && b", "`id`", "$(id)", "x|sh", "two\nlines"])
def test_shell_fragments_in_any_word_are_refused(word):
    with pytest.raises(ValidationIssue):
        check_words(["exec", "web", "--", word])


def test_a_good_intent_passes_unchanged():
    it = Intent(verb="get", resource="pods", namespace="prod", selector="app=web")
    assert validate(it, BUILTIN_TABLE) is it
