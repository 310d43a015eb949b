"""Dashboard sessions expire (idle and absolute), login nonces are single-use and short-lived,
and the map never holds the cookie value itself."""

from kubechat.collector.dashboard.sessions import Sessions, same


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_idle_and_absolute_expiry():
    clock = Clock()
    sessions = Sessions(idle_seconds=60, max_age_seconds=300, clock=clock)
    sid, session = sessions.create("carol", "tok")
    assert sessions.get(sid) is session
    clock.now += 59
    assert sessions.get(sid) is session  # used: the idle timer starts again
    clock.now += 61
    assert sessions.get(sid) is None
    sid, _ = sessions.create("carol", "tok")
    for _ in range(6):  # kept busy, it still ends at the absolute limit
        clock.now += 55
        alive = sessions.get(sid)
    assert alive is None


def test_ids_are_random_and_not_kept_in_clear():
    sessions = Sessions()
    a, _ = sessions.create("carol", "tok")
    b, _ = sessions.create("carol", "tok")
    assert a != b and len(a) >= 40
    assert a not in sessions._sessions and sessions.get(a) is not None
    sessions.drop(a)
    assert sessions.get(a) is None and sessions.get(b) is not None
    assert sessions.get(None) is None and sessions.get("") is None


def test_login_nonce_single_use_and_expiring():
    clock = Clock()
    sessions = Sessions(login_seconds=10, clock=clock)
    nonce = sessions.login_nonce()
    assert sessions.take_login_nonce(nonce) and not sessions.take_login_nonce(nonce)
    late = sessions.login_nonce()
    clock.now += 11
    assert not sessions.take_login_nonce(late)
    assert not sessions.take_login_nonce("made-up") and not sessions.take_login_nonce(None)


def test_oldest_sessions_go_first_when_full():
    sessions = Sessions(max_sessions=2)
    first, _ = sessions.create("a", "t")
    second, _ = sessions.create("b", "t")
    third, _ = sessions.create("c", "t")
    assert sessions.get(first) is None and sessions.get(second) and sessions.get(third)


def test_same_never_matches_a_missing_secret():
    assert same("x", "x") and not same("x", "y") and not same(None, None) and not same("", "")
