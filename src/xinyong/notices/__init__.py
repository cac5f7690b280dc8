"""Notices (通报、通知) to departments, with their acknowledgement (docs/notices.md)."""
