from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0008_rerank_top_positions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="bentogriditem",
            name="bento_grid_items_active_pos",
        ),
        migrations.AddIndex(
            model_name="bentogriditem",
            index=models.Index(
                condition=models.Q(("grid_position__isnull", False)),
                fields=["grid_position"],
                name="bento_grid_items_positioned",
            ),
        ),
    ]
