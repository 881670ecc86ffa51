"""The weekly import: a week's analysis files into creators, topics, videos, their weekly history
and the homepage grid, all or nothing, changing only what changed.

`run` is the import itself (`weekly_import`, `sample_week_import`, the files the settings name)
and `state` what a run carries from step to step and reports (`ImportSummary`). Each kind of
row has its module, which states its rules: `weeks` (weekly reports and crawls), `creators`,
`topics`, `videos`, `creator_reach` (focus areas, appearances and views of every creator) and
`grid_items`. The files are read by `trending.parsers`.
"""
