"""Whether a member lets the coach see their name in the digest's "needs attention" lists."""

from __future__ import annotations

from bot.services import Services
from storage import participants


def set_sharing(services: Services, *, team_id: str, user_id: str, share: bool) -> bool:
    """Turn sharing on or off; False when the member is not enrolled."""
    with services.db.session() as session:
        return participants.set_share_progress(
            session, team_id=team_id, user_id=user_id, share=share, now=services.clock.now()
        )
