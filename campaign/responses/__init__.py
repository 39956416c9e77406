"""Agency responses to letters and demands, with moderated intake."""
