"""The campaign dashboard: sign-ons, demands, overdue, responses and the state map."""
