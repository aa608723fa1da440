"""Story Portal: customer stories validated against an advocate registry, built into a site.

The core (loading, schema, model, rules, page data, images) does not import MkDocs;
only :mod:`storyportal.mkdocs_plugin` and :mod:`storyportal.cli` do.
"""

__version__ = "0.1.0"
