"""Sending letters and demand packets with a receipt per recipient, consolidated
follow-ups, and the business-day response clock."""
