"""Reports and notices of the credit authority: 双公示 timeliness (dual_publicity), the
dashboard's aggregates (dashboard)."""
