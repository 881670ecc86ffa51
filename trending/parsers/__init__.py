"""Read and validate the weekly import's files, without touching the database.

Each parser takes one published file and returns frozen dataclasses of clean values (text
stripped, HTML entities such as `&quot;` unescaped in names, titles and descriptions, datetimes
timezone-aware in UTC, a naive timestamp being UTC) with the raw entry kept for `full_data`.
Anything wrong raises `ImportFileError` naming the file, where (`line L, column C` in text that is
not JSON, else a JSON path such as `$.top_creators[3].videos[0].statistics.view_count`) and why;
no other exception escapes, whatever the file holds.

One module per file format, each documenting the shapes it accepts: `analyzed`
(`analyzed_content.json`, the weekly report), `youtube` (`youtube_data.json`, the crawl) and
`creators` (`creator_bios.json`, `channel_rankings.json`). `entries` holds what they return,
`scores` the score rules, `validation` the checks they share and `ImportFileError`.
"""
