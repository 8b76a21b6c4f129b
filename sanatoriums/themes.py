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
    for position, (key, name_zh, name_en, icon) in enumerate(THEMES):
        theme_model.objects.update_or_create(
            key=key,
            defaults={"name_zh": name_zh, "name_en": name_en, "icon": icon, "position": position},
        )
