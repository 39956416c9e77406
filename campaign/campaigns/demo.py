"""The demo coalition: a name, a contact address and a logo drawn on the spot."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy.orm import Session

from campaign.auth.models import User
from campaign.campaigns.coalition import instance_settings, update_coalition
from campaign.uploads.store import UploadStore

DEMO_COALITION = "Coalition to End 287(g)"
DEMO_CONTACT = "info@end287g.example.org"


def demo_logo() -> bytes:
    """A plain PNG wordmark (no file shipped, no network)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (360, 96), (18, 78, 99))
    draw = ImageDraw.Draw(image)
    draw.ellipse((14, 14, 82, 82), fill=(242, 169, 59))
    draw.text((100, 22), "END 287(g)", fill="white", font=ImageFont.load_default(size=40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def load_coalition_demo(session: Session, *, actor: User, upload_dir: Path) -> None:
    """Name the instance's coalition, unless a coordinator named it already."""
    settings = instance_settings(session)
    if settings.name:
        return
    update_coalition(
        session,
        settings,
        name=DEMO_COALITION,
        contact_email=DEMO_CONTACT,
        logo=demo_logo(),
        remove_logo=False,
        store=UploadStore(upload_dir),
        actor=actor,
    )
