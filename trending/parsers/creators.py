"""Parse the files that describe creators: `creator_bios.json` and `channel_rankings.json`.

Accepted shapes: `{"bios": {name: {tagline, bio, specialty, channel_id}}}` and
`{"leaderboard": [{name, rank, appearances, channel_id}]}`. An empty `channel_id` means none.
"""

from __future__ import annotations

from pathlib import Path

from trending.models import Creator
from trending.parsers.entries import ChannelRanking, CreatorBio
from trending.parsers.validation import (
    Invalid,
    as_channel_id,
    as_integer,
    as_list,
    as_name,
    as_object,
    child_path,
    column_max_integer,
    column_max_length,
    in_file,
    load_document,
    optional,
    optional_text,
    required,
)

# Column limits of trending.models.
_RANK_MAX = column_max_integer(Creator, "leaderboard_rank")
_COUNT_MAX = 2**31 - 1  # appearances, kept in full_data only: bounded like an integer column
_TAGLINE_MAX = column_max_length(Creator, "tagline")
_SPECIALTY_MAX = column_max_length(Creator, "specialty")


def parse_creator_bios(path: str | Path) -> dict[str, CreatorBio]:
    """Return the creator profiles in `path`, keyed by creator name. Raises ImportFileError."""
    with in_file(str(path)):
        _, document = load_document(path)
        bios_value, bios_path = required(document, "bios", "$")
        bios: dict[str, CreatorBio] = {}
        for key, value in as_object(bios_value, bios_path).items():
            where = child_path(bios_path, key)
            name = as_name(key, where)
            if name in bios:
                raise Invalid(where, f"creator {name!r} has two profiles")
            profile = as_object(value, where)
            bios[name] = CreatorBio(
                name=name,
                tagline=optional_text(profile, "tagline", where, max_length=_TAGLINE_MAX),
                bio=optional_text(profile, "bio", where),
                specialty=optional_text(profile, "specialty", where, max_length=_SPECIALTY_MAX),
                channel_id=as_channel_id(*optional(profile, "channel_id", where)),
            )
        return bios


def parse_channel_rankings(path: str | Path) -> list[ChannelRanking]:
    """Return the leaderboard in `path`, in file order. Raises ImportFileError."""
    with in_file(str(path)):
        _, document = load_document(path)
        board, board_path = required(document, "leaderboard", "$")
        rankings = []
        for index, value in enumerate(as_list(board, board_path)):
            where = f"{board_path}[{index}]"
            row = as_object(value, where)
            rankings.append(
                ChannelRanking(
                    name=as_name(*required(row, "name", where)),
                    rank=as_integer(*required(row, "rank", where), low=1, high=_RANK_MAX),
                    appearances=as_integer(*required(row, "appearances", where), high=_COUNT_MAX),
                    channel_id=as_channel_id(*optional(row, "channel_id", where)),
                )
            )
        return rankings
