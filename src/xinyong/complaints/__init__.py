"""Complaints and tip-offs (失信举报): docs/complaints.md."""
