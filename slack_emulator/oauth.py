"""Slack's OAuth v2 consent page (https://slack.com/oauth/v2/authorize), played locally.

A browser sent here by the app's /slack/install comes back to the app's redirect_uri with a
single-use code, as Slack does once someone clicks "Allow". The code grants exactly the bot
scopes the URL's `scope` asked for, so an app whose install URL asks for too little finds
out at its first Web API call (missing_scope), as it would with Slack.
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlencode

from slack_emulator.state import OAuthCode, State


def authorize_page(state: State, query: str) -> tuple[int, dict[str, str], str]:
    """(status, headers, body) for GET /oauth/v2/authorize?client_id=&scope=&redirect_uri=&state="""
    params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    client_id = params.get("client_id", "")
    with state.lock:
        secret = state.app_credentials.get(client_id)
        if secret is None:
            return 400, {}, "invalid_client_id: no app with this client_id"
        # Without redirect_uri Slack sends the browser to the app's configured redirect URL;
        # with one, it must match a configured URL (the manifest's oauth_config.redirect_urls).
        allowed = state.redirect_urls.get(client_id, [])
        redirect_uri = params.get("redirect_uri") or (allowed[0] if allowed else "")
        if not any(redirect_uri.startswith(url) for url in allowed):
            return 400, {}, "bad_redirect_uri: not one of the app's redirect URLs"
        if state.consenting is None:
            return 400, {}, "nobody is signed in: call SlackEmulator.consent_as(team, user)"
        team_id, user_id = state.consenting
        code = secrets.token_urlsafe(16)
        state.oauth_codes[code] = OAuthCode(
            team_id=team_id,
            client_id=client_id,
            client_secret=secret,
            user_id=user_id,
            scope=params.get("scope", ""),
            redirect_uri=redirect_uri,
        )
    answer = {"code": code}
    if "state" in params:
        answer["state"] = params["state"]
    separator = "&" if "?" in redirect_uri else "?"
    return 302, {"Location": f"{redirect_uri}{separator}{urlencode(answer)}"}, ""
