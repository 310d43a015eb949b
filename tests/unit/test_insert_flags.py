"""Flags the client adds to a translated command (server dry-run, --all-namespaces) must be flags
of that command: never arguments of the container's command after `--`, never a flag's value."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubechat.safety.command import ParseError, insert_flags, interpretations

CASES = [
    (["create", "job", "j", "--image=busybox", "--", "echo", "hi"], ["create", "--dry-run=server", "job"]),
    (["run", "pwn", "--image=busybox", "--", "sleep", "3600"], ["run", "--dry-run=server", "pwn"]),
    (["create", "deployment", "d", "--image=nginx", "--"], ["create", "--dry-run=server", "deployment"]),
    (
        ["scale", "deployment", "web", "--replicas=3", "-n", "prod"],
        ["scale", "--dry-run=server", "deployment"],
    ),
    # An unknown flag at the end may take a value: appending would hand it our flag as its value.
    (["label", "pods", "web", "--some-new-flag"], ["label", "--dry-run=server", "pods"]),
]


@pytest.mark.parametrize("argv,head", CASES)
def test_flag_lands_right_after_the_verb(argv, head):
    out = insert_flags(argv, "--dry-run=server")
    assert out[:3] == head
    for reading in interpretations(out):
        assert reading.flags["--dry-run"] == ["server"]
    # what follows `--` is untouched
    if "--" in argv:
        assert out[out.index("--") :] == argv[argv.index("--") :]


def test_appending_would_have_put_it_after_the_dash():
    """The failure this guards against: the old code appended, and kubectl really created the job."""
    argv = ["create", "job", "j", "--image=busybox", "--", "echo", "hi"]
    appended = [*argv, "--dry-run=server"]
    assert all("--dry-run" not in r.flags for r in interpretations(appended))
    assert all("--dry-run" in r.flags for r in interpretations(insert_flags(argv, "--dry-run=server")))


def test_no_verb_is_an_error():
    with pytest.raises(ParseError):
        insert_flags(["-n", "prod"], "--dry-run=server")
    with pytest.raises(ParseError):
        insert_flags(["--", "get", "pods"], "--all-namespaces")


def test_only_single_long_flags_are_inserted():
    with pytest.raises(ParseError):
        insert_flags(["get", "pods"], "-A")
    with pytest.raises(ParseError):
        insert_flags(["get", "pods"], "--")


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-=/.:", min_size=1, max_size=12)


@given(
    verb=st.sampled_from(["create", "run", "scale", "delete", "label", "annotate", "set", "expose", "patch"]),
    before=st.lists(words.filter(lambda w: w != "--"), max_size=5),
    after=st.lists(st.one_of(words, st.just("--dry-run=server"), st.just("-n")), max_size=5),
)
def test_inserted_flag_is_always_a_flag_and_nothing_else_moves(verb, before, after):
    argv = [verb, *before, "--", *after]
    try:
        out = insert_flags(argv, "--dry-run=server")
    except ParseError:
        return  # refusing is safe; only a wrong insertion is not
    for old, new in zip(interpretations(argv), interpretations(out), strict=True):
        assert new.flags.get("--dry-run", [])[:1] == ["server"]
        # pflag gives a value flag left without one the next word, `--` included (`-k -- x`)
        assert new.after_dash == old.after_dash
        assert old.after_dash == after or old.after_dash == []
        assert new.positionals == old.positionals


@pytest.mark.parametrize("spelling", ["--dry_run=none", "--dry-run=none", "--dry_run", "--dry-run=client"])
def test_a_dry_run_flag_already_in_argv_is_seen_in_any_spelling(spelling):
    """kubectl normalises `_` to `-` and takes the last value: `--dry_run=none` after our flag
    would turn the preview into the real write, so the reader must see both."""
    out = insert_flags(["delete", "configmap", "victim", "-n", "dev", spelling], "--dry-run=server")
    assert all(len(r.flags["--dry-run"]) == 2 for r in interpretations(out))
