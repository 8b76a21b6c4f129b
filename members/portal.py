"""The register's own contributions (members.registry, members.imports)."""

from members import member_import  # noqa: F401 - registers the member roster import
