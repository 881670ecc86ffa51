from django.apps import AppConfig


class CarnivoreConfig(AppConfig):
    name = "carnivore"
    verbose_name = "Carnivore Weekly"
