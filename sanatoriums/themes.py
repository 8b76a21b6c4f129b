"""The standard themes of sanatorium bases: (key, Chinese name, English name, icon).

Created by a data migration and, for databases emptied by tests, by `ensure_themes`.
Administrators may add more in the admin.
"""

THEMES = [
    ("seaside", "海滨", "Seaside", "water"),
    ("mountain", "山地", "Mountains", "triangle"),
    ("lake", "湖泊", "Lakes", "droplet"),
    ("hot_spring", "温泉", "Hot spring", "thermometer-sun"),
    ("forest", "森林康养", "Forest wellness", "tree"),
    ("red_culture", "红色文化", "Red culture", "flag"),
    ("craftsmanship", "工匠文化", "Craftsmanship", "hammer"),
    ("health_check", "健康体检", "Health check-up", "heart-pulse"),
    ("rural", "乡村田园", "Countryside", "flower1"),
    ("history", "历史人文", "History and culture", "bank"),
]


def ensure_themes(theme_model):
    """Add the standard themes that are missing and correct those that differ; a theme that
    is as it should be is not written again (seed_demo runs this every time)."""
    stored = {
        theme.key: theme for theme in theme_model.objects.filter(key__in=[t[0] for t in THEMES])
    }
    for position, (key, name_zh, name_en, icon) in enumerate(THEMES):
        values = {"name_zh": name_zh, "name_en": name_en, "icon": icon, "position": position}
        theme = stored.get(key)
        if theme is None:
            theme_model.objects.create(key=key, **values)
        elif any(getattr(theme, name) != value for name, value in values.items()):
            theme_model.objects.filter(pk=theme.pk).update(**values)
