"""The weekly import: a week's analysis files into creators, topics, videos, their weekly history
and the homepage grid, all or nothing, changing only what changed (`run.weekly_import`)."""
