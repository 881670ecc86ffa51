"""trending's step of `manage.py up` (registered with carnivore/demo.py by
TrendingConfig.ready()): the sample week shipped in trending/sample_data/."""

from carnivore.demo import demo_step
from trending.weekly_import.run import sample_week_import


@demo_step(order=30)
def demo_sample_week_import() -> str:
    """Import the sample week (again: a re-import creates nothing)."""
    summary = sample_week_import()
    created_rows = sum(counts.created for counts in summary.counts.values())
    return f"Sample week imported ({created_rows} rows created)"
