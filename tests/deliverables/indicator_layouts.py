"""Indicator files in the layouts councils and benchmarking services publish: their headers as
published, with a few rows made up for the `kpis` fixture's indicators (not anyone's data).

- LG Inform's CSV download: a metric id, the metric, the area's code ("area") and name, the
  period and the value.
- Fingertips (OHID, formerly PHE) "download data" CSV: the long table with its many columns,
  three-year pooled periods ("2020 - 22") and calendar years ("2022") among financial years.
- Oflog's local authority data explorer: financial year, authority code and name, the
  measure's name, the value.
- A council's quarterly KPI report as a spreadsheet (one row per indicator: reference, title,
  annual target, a column per quarter), and one row per value (code, period, actual,
  numerator, denominator, commentary, target).
"""

LG_INFORM_CSV = """\
metric id,metric,area,area_name,period,value
4021,New birth visits within 14 days,E92000001,England,Q3 2023/24,80.2
4021,New birth visits within 14 days,E12000005,West Midlands,Q3 2023/24,85.0
4021,New birth visits within 14 days,E08000028,Sandwell,Q3 2023/24,97.9
4021,New birth visits within 14 days,E08000027,Dudley,Q3 2023/24,91.3
4021,New birth visits within 14 days,,CIPFA nearest neighbours average,Q3 2023/24,88.4
4021,New birth visits within 14 days,E08000031,Wolverhampton,Q3 2023/24,*
9999,Something Sandwell does not measure,E92000001,England,Q3 2023/24,12
"""

FINGERTIPS_HEADER = (
    '"Indicator ID","Indicator Name","Parent Code","Parent Name","Area Code","Area Name",'
    '"Area Type","Sex","Age","Category Type","Category","Time period","Value",'
    '"Lower CI 95.0 limit","Upper CI 95.0 limit","Lower CI 99.8 limit","Upper CI 99.8 limit",'
    '"Count","Denominator","Value note","Recent Trend",'
    '"Compared to England value or percentiles","Compared to West Midlands region value or '
    'percentiles","Time period Sortable","New data","Compared to goal"'
)


def _fingertips_row(parent: str, code: str, area: str, area_type: str, period: str, value: str):
    """A row as Fingertips writes it: the indicator, the parent area, the area, persons 18+,
    the period, the value (confidence limits, counts and comparisons left empty)."""
    parent_code = {"England": "E92000001", "West Midlands region": "E12000005"}.get(parent, "")
    note = "" if value else "Value suppressed"
    cells = [
        "92443",
        "Smoking prevalence",
        parent_code,
        parent,
        code,
        area,
        area_type,
        "Persons",
        "18+ yrs",
        "",
        "",
        period,
        value,
        "",
        "",
        "",
        "",
        "",
        "",
        note,
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    return ",".join(f'"{c}"' if c else "" for c in cells)


_UA = "Counties & UAs (from Apr 2023)"
_WM = "West Midlands region"
FINGERTIPS_CSV = "\n".join(
    [
        FINGERTIPS_HEADER,
        _fingertips_row("", "E92000001", "England", "England", "2022/23", "12.7"),
        _fingertips_row("England", "E12000005", _WM, "Region", "2022/23", "13.1"),
        _fingertips_row(_WM, "E08000028", "Sandwell", _UA, "2022/23", "21.0"),
        _fingertips_row(_WM, "E08000027", "Dudley", _UA, "2022/23", "14.2"),
        _fingertips_row(_WM, "E08000031", "Wolverhampton", _UA, "2020 - 22", "15.5"),
        _fingertips_row(_WM, "E08000029", "Solihull", _UA, "2022", "10.9"),
        _fingertips_row(_WM, "E08000030", "Walsall", _UA, "2022/23", ""),
    ]
)

OFLOG_CSV = """\
Financial year,Local authority code,Local authority name,Grouping,Entity_Name,Region,Measure,Value
2023-24,E92000001,England,England,England,,Smoking prevalence,11.6
2023-24,E08000027,Dudley,LA_Raw,Metropolitan Districts,West Midlands,Smoking prevalence,14.0
2023-24,E08000028,Sandwell,LA_Raw,Metropolitan Districts,West Midlands,Smoking prevalence,19.5
"""

# A council's quarterly KPI report, one row per indicator.
WIDE_QUARTERS_CSV = """\
Ref,Performance Indicator,Polarity,Annual target 2023/24,Q1 2023/24,Q2 2023/24,Q3 2023/24,Q4 2023/24
BIRTH,New birth visits within 14 days,Higher is better,95,95.5,96.0,98.1,94%
CHECKS,Health checks delivered,Higher is better,"6,500",450,900,"1,796","2,600"
LIBRARY,Library visits,Higher is better,,"10,000","12,000",TBC,
"""

# One row per value, as a performance system's export gives it.
LONG_CSV = """\
KPI Code,Period,Actual,Numerator,Denominator,Commentary,Target
BIRTH,Q1 2023/24,,191,200,191 of 200 visits on time,96
CONTACTS,Apr 2023,1700,,,Busy month,
CONTACTS,May-23,n/a,,,,
SMOKING,2023/24,19.5,,,Survey result,12
SMOKING,2021,18,,,,
"""
