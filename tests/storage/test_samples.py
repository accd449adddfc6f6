"""The conformance kit's sample folders hold a value in every field of WorkFolder."""

from __future__ import annotations

import attrs

from werkmap.plan.folder import WorkFolder
from werkmap.storage._samples import WorkFolderSamples


def test_variety_sets_every_field_of_the_work_folder() -> None:
    folders = WorkFolderSamples().variety()
    unset = []
    for field in attrs.fields(WorkFolder):
        default = field.default
        if isinstance(default, attrs.Factory):
            default = default.factory()
        if default is attrs.NOTHING:
            continue
        if all(getattr(folder, field.name) == default for folder in folders):
            unset.append(field.name)
    assert not unset, f"no sample folder sets {unset}: add them to WorkFolderSamples.variety()"
