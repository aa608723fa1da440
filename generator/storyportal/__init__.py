"""Story Portal: customer stories validated against an advocate registry, built into a site.

The core (loading, schema, model, rules, page data, images) does not import MkDocs;
only :mod:`storyportal.adapter.plugin` and :mod:`storyportal.cli.main` do.
"""

__version__ = "0.1.0"
