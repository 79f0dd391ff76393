"""Table downloads as data a spreadsheet can use: CSV and XLSX only, fixed column keys, no formulas.

The header row holds each column's key — its name, or the name the table gives it in
``export_keys`` — never its translated heading, so a file downloaded in Thai reads back like one
downloaded in English. Text a spreadsheet would run as a formula is made inert here, once, for
every table.
"""
from django.utils.encoding import force_str
from django_tables2.export import TableExport
from tablib import Dataset

# OWASP "CSV injection": spreadsheets run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """The cell's value, with a quote before text a spreadsheet would run as a formula; numbers untouched."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class DataExport(TableExport):
    FORMATS = {name: TableExport.FORMATS[name] for name in (TableExport.CSV, TableExport.XLSX)}

    @classmethod
    def is_valid_format(cls, export_format):
        # TableExport checks its own list of formats, whatever a view's ``export_formats`` says;
        # the others are not wanted, and some need packages we do not install (a 500).
        return export_format in cls.FORMATS

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        exclude_columns = exclude_columns or ()
        columns = [
            column for column in table.columns.iterall()
            if not (column.column.exclude_from_export or column.name in exclude_columns)
        ]
        keys = getattr(table, "export_keys", {})
        dataset = Dataset(headers=[keys.get(column.name, column.name) for column in columns], **(dataset_kwargs or {}))
        if getattr(table, "plain_export", False):
            # Records are dicts of the exported values: read them directly (django-tables2 inspects
            # a signature per cell, seconds for the 10,000 rows of a city-scale compliance export).
            values = ([record.get(column.name) for column in columns] for record in table.data)
        else:
            values = ([row.get_cell_value(column.name) for column in columns] for row in table.rows)
        for row in values:
            dataset.append([inert(force_str(value, strings_only=True)) for value in row])
        return dataset
