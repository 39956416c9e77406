"""Law-enforcement agencies and their 287(g) agreements, from ICE's own spreadsheets."""
