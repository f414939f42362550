"""Reports for auditors: periods, per-board uptime, indicators, chain checks, exports and charts."""
