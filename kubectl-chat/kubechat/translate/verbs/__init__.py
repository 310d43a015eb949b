"""The rule parser's verb handlers, one module per kubectl verb (or small verb family), as kubectl
lays out its own commands. Each handler turns a read request (`reading.Req`) into an Intent, using
the shared slot readers in `translate/readers.py`; `translate/router.py` chooses which one runs."""
