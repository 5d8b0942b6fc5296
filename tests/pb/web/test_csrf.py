"""The pages' CSRF token: bound to the browser's form cookie and to the session."""

from __future__ import annotations

import pytest

from pb.core.settings import Settings
from pb.web.csrf import CsrfRefused, check, form_token

SETTINGS = Settings(env="test", secret_key="a-test-secret-that-is-long-enough-0123456789")
SECRET = "s" * 43


def test_the_token_of_this_browser_and_session_passes() -> None:
    check(SETTINGS, cookie=SECRET, submitted=form_token(SETTINGS, SECRET, "sid-1"), session_id="sid-1")


@pytest.mark.parametrize(("cookie", "token_secret", "token_session", "session"), [
    (SECRET, "t" * 43, "sid-1", "sid-1"),  # another browser's token
    (SECRET, SECRET, "sid-1", "sid-2"),  # a token from before a new sign-in
    (SECRET, SECRET, None, "sid-1"),  # a signed-out page's token sent while signed in
    (None, SECRET, "sid-1", "sid-1"),  # no cookie
])
def test_tokens_of_other_browsers_or_sessions_are_refused(
    cookie: str | None, token_secret: str, token_session: str | None, session: str
) -> None:
    with pytest.raises(CsrfRefused):
        check(SETTINGS, cookie=cookie, submitted=form_token(SETTINGS, token_secret, token_session), session_id=session)


def test_a_missing_token_is_refused() -> None:
    with pytest.raises(CsrfRefused):
        check(SETTINGS, cookie=SECRET, submitted=None, session_id=None)


def test_the_token_depends_on_the_server_secret() -> None:
    other = Settings(env="test", secret_key="another-test-secret-that-is-long-enough-987654")
    assert form_token(SETTINGS, SECRET, None) != form_token(other, SECRET, None)
