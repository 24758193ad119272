{#
    HUD reporting: the reporting periods, the HUD System Performance Measures (SPM) rules and
    the reporting levels. Every SPM rule the models use lives here (destination groups,
    look-back days, the 14-day PH bridging rule, the 6/12/24-month return windows) or, for
    the project-type groups, in seed hud_spm_project_types (macro in_project_types); the
    models read them through these macros or through int_hud_reporting_period, never as
    literals. Code meanings follow HUD's FY2024/FY2026 HMIS Data Dictionary.

    Vars (dbt_project.yml, or --vars):
      spm_period_start, spm_period_end  the current reporting period, `YYYY-MM-DD`; unset means
                                        the federal fiscal year (Oct 1 - Sep 30) ending on or
                                        before var `as_of_date`; one of them alone sets a
                                        one-year period.
      spm_trend_periods                 how many reporting periods the SPM marts report: the
                                        current one and the ones before it, each the current
                                        one moved back a year more (default 3: this fiscal
                                        year and the two before; HUD's own SPM report puts
                                        the year before beside the current one).
      spm_m2_exit_start, spm_m2_exit_end
                                        Measure 2's exit window of the current period; unset
                                        means HUD's: the period moved back 730 days. An
                                        agency with less than three years of history can look
                                        at recent exits; a return window then counts only
                                        exits observed for all of it. Earlier periods move
                                        the window back a year each.
      default_coc_code                  the CoC of an enrollment without EnrollmentCoC.
#}

{# A `YYYY-MM-DD` var as a python date, or none when unset. #}
{% macro _date_var(name) -%}
    {%- set value = date_var_text(name) -%}
    {%- if value is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(modules.datetime.date(value[0:4] | int, value[5:7] | int, value[8:10] | int)) -}}
{%- endmacro %}

{# `day` moved back `years` calendar years (Feb 29 to Feb 28 in a year without one). #}
{% macro _years_before(day, years) -%}
    {%- set year = day.year - years -%}
    {%- set is_leap_year = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) -%}
    {%- if day.month == 2 and day.day == 29 and not is_leap_year -%}
        {{- return(modules.datetime.date(year, 2, 28)) -}}
    {%- endif -%}
    {{- return(day.replace(year=year)) -}}
{%- endmacro %}

{#
    The current reporting period as (start, end) python dates: the vars when set, else the
    federal fiscal year ending on or before the as-of date (as of 2026-11-01: 2025-10-01 -
    2026-09-30).
#}
{% macro hud_reporting_period() -%}
    {%- set start = caseintel._date_var('spm_period_start') -%}
    {%- set end = caseintel._date_var('spm_period_end') -%}
    {%- set one_day = modules.datetime.timedelta(days=1) -%}
    {%- if start is none and end is none -%}
        {%- set as_of = as_of_date_text() -%}
        {%- set year = as_of[0:4] | int -%}
        {%- if as_of[5:10] < '09-30' -%}
            {%- set year = year - 1 -%}
        {%- endif -%}
        {%- set end = modules.datetime.date(year, 9, 30) -%}
        {%- set start = modules.datetime.date(year - 1, 10, 1) -%}
    {%- elif start is none -%}
        {%- set start = caseintel._years_before(end, 1) + one_day -%}
    {%- elif end is none -%}
        {%- set end = caseintel._years_before(start, -1) - one_day -%}
    {%- endif -%}
    {%- if start > end -%}
        {{ exceptions.raise_compiler_error("spm_period_start " ~ start ~ " is after spm_period_end " ~ end) }}
    {%- endif -%}
    {{- return((start, end)) -}}
{%- endmacro %}

{# var `spm_trend_periods` (default 3) as a whole number of periods, at least 1. #}
{% macro spm_trend_periods() -%}
    {%- set default = 3 -%}
    {%- set value = var('spm_trend_periods', default) -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {%- set value = default -%}
    {%- endif -%}
    {%- set value = value | string | trim -%}
    {%- if not modules.re.match('^[0-9]+$', value) or (value | int) < 1 -%}
        {{ exceptions.raise_compiler_error(
            "var spm_trend_periods must be a whole number of reporting periods, 1 or more"
            ~ " (1 = the current period only), got '" ~ value ~ "'") }}
    {%- endif -%}
    {{- return(value | int) -}}
{%- endmacro %}

{# A period's label: FY<year> for a federal fiscal year, else `<start> to <end>`. #}
{% macro hud_period_label(start, end) -%}
    {%- if start.month == 10 and start.day == 1 and end.month == 9 and end.day == 30
        and end.year == start.year + 1 -%}
        {{- return('FY' ~ end.year) -}}
    {%- endif -%}
    {{- return(start.isoformat() ~ ' to ' ~ end.isoformat()) -}}
{%- endmacro %}

{#
    Measure 2's exit window of a period (start, end) that lies `years_back` years before the
    current one, as python dates: vars spm_m2_exit_start / spm_m2_exit_end (which describe
    the current period) moved back as many years, else the period moved back
    m2_lookback_days.
#}
{% macro spm_m2_exit_window(period_start, period_end, years_back) -%}
    {%- set start = caseintel._date_var('spm_m2_exit_start') -%}
    {%- set end = caseintel._date_var('spm_m2_exit_end') -%}
    {%- if start is not none and end is not none and start > end -%}
        {{ exceptions.raise_compiler_error("spm_m2_exit_start " ~ start ~ " is after spm_m2_exit_end " ~ end) }}
    {%- endif -%}
    {%- set lookback = modules.datetime.timedelta(days=spm_days('m2_lookback_days')) -%}
    {{- return((
        caseintel._years_before(start, years_back) if start is not none else period_start - lookback,
        caseintel._years_before(end, years_back) if end is not none else period_end - lookback,
    )) -}}
{%- endmacro %}

{#
    The reporting periods, current first, as a list of dicts (index: 0 = current, 1 = the one
    before, ...; label; start; end; m2_exit_start; m2_exit_end): spm_trend_periods periods,
    each the current one moved back `index` calendar years.
#}
{% macro hud_reporting_periods() -%}
    {%- set current = hud_reporting_period() -%}
    {%- set periods = [] -%}
    {%- for index in range(spm_trend_periods()) -%}
        {%- set start = caseintel._years_before(current[0], index) -%}
        {%- set end = caseintel._years_before(current[1], index) -%}
        {%- set m2_exit_window = spm_m2_exit_window(start, end, index) -%}
        {%- do periods.append({
            'index': index,
            'label': hud_period_label(start, end),
            'start': start,
            'end': end,
            'm2_exit_start': m2_exit_window[0],
            'm2_exit_end': m2_exit_window[1],
        }) -%}
    {%- endfor -%}
    {{- return(periods) -}}
{%- endmacro %}

{#
    The period key columns of a row `alias` that carries them (int_hud_reporting_period or an
    SPM model), in the order every SPM model shows them; without an alias, bare.
#}
{% macro spm_period_columns(alias=none) -%}
    {%- set prefix = alias ~ '.' if alias else '' -%}
    {{ prefix }}period_label,
    {{ prefix }}period_start,
    {{ prefix }}period_end,
    {{ prefix }}period_index,
    {{ prefix }}is_current_period
{%- endmacro %}

{# A python date as a SQL date literal. #}
{% macro date_literal(value) -%}
    cast('{{ value.isoformat() }}' as date)
{%- endmacro %}

{# The CoC of an enrollment that carries no EnrollmentCoC: var default_coc_code. #}
{% macro default_coc_code() -%}
    '{{ var("default_coc_code", "unassigned") | replace("'", "''") }}'
{%- endmacro %}

{#
    Day counts of the SPM rules (HUD SPM programming specifications):
      m1_lookback_days     M1 counts homeless nights in the period and this many days before it
                           (HUD counts back to its look-back stop date; one year is what a
                           site's export history supports).
      m2_lookback_days     M2's exit cohort is the period moved this many days back (730).
      m2_ph_bridge_days    a PH entry is a return only when it starts more than this many days
                           after the exit (and after any PH stay in between): HUD's 14 days.
      m4_stayer_min_days   an M4 stayer has been enrolled at least this long at period end.
      m5_lookback_days     M5 looks this far back before an entry for earlier homelessness.
      adult_age_years      an adult is at least this old.
#}
{% macro spm_days(rule) -%}
    {%- set days = {
        'm1_lookback_days': 365,
        'm2_lookback_days': 730,
        'm2_ph_bridge_days': 14,
        'm4_stayer_min_days': 365,
        'm5_lookback_days': 730,
        'adult_age_years': 18,
    } -%}
    {%- if rule not in days -%}
        {{ exceptions.raise_compiler_error("unknown SPM rule " ~ rule) }}
    {%- endif -%}
    {{- return(days[rule]) -}}
{%- endmacro %}

{# M2 return windows: HUD's 0-180, 0-365 and 0-730 days, reported as 6, 12 and 24 months. #}
{% macro spm_return_windows() -%}
    {{- return([
        {'months': 6, 'days': 180},
        {'months': 12, 'days': 365},
        {'months': 24, 'days': 730},
    ]) -}}
{%- endmacro %}

{# The return windows as rows (window_months, window_days). #}
{% macro spm_return_window_rows() -%}
    {%- for window in spm_return_windows() %}
    select {{ window.months }} as window_months, {{ window.days }} as window_days
    {%- if not loop.last %}
    union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#
    `<column> in (<the project types of group>)`: HUD's ProjectType groups and the project
    types each SPM measure counts are seed hud_spm_project_types (one row per group and
    project type).
#}
{% macro in_project_types(column, group) -%}
    {{ column }} in (
        select spm_project_types.project_type from {{ ref('hud_spm_project_types') }} as spm_project_types
        where spm_project_types.project_type_group = '{{ group }}'
    )
{%- endmacro %}

{#
    Destinations left out of the M7 universes (HUD: outcomes beyond a CoC's control):
    24 deceased, 206 hospital (non-psychiatric), 215 foster care, 225 long-term care or
    nursing home, 329 residential project or halfway house with no homeless criteria.
#}
{% macro spm_m7_excluded_destinations() -%}
    {{- return([24, 206, 215, 225, 329]) -}}
{%- endmacro %}

{#
    An exit to a permanent destination for the SPM: HUD's 4xx group (macro
    living_situation_group), not the momentum rubric's list.
#}
{% macro spm_is_permanent_destination(destination) -%}
    ({{ living_situation_group(destination) }} = 'permanent')
{%- endmacro %}

{#
    M7a: a successful exit from street outreach is an exit nearly anywhere off the street:
    emergency shelter (101) or safe haven (118), any temporary, institutional or permanent
    destination, except a place not meant for habitation (116) and jail or prison (207).
    HUD FY2024 codes: 101 = emergency shelter, 116 = place not meant for habitation.
#}
{% macro spm_m7a_is_successful(destination) -%}
    (
        {{ destination }} in (101, 118)
        or (
            {{ living_situation_group(destination) }} in ('temporary', 'institutional', 'permanent')
            and {{ destination }} <> 207
        )
    )
{%- endmacro %}

{#
    Reporting levels of every SPM mart, from the whole CoC down to one project type at one
    site. A person is counted once per row (de-duplicated by person_id across sites).
#}
{% macro spm_reporting_levels() -%}
    select 'coc' as reporting_level, 1 as level_order, false as keeps_site, false as keeps_project_type
    union all
    select 'site' as reporting_level, 2 as level_order, true as keeps_site, false as keeps_project_type
    union all
    select 'project_type' as reporting_level, 3 as level_order, true as keeps_site, true as keeps_project_type
{%- endmacro %}

{#
    The reporting-level key columns of a row `alias` (coc_code, site, project_type,
    project_type_name) at the level of the joined `levels` row.
#}
{% macro spm_level_columns(alias) -%}
    levels.reporting_level,
    levels.level_order,
    {{ alias }}.coc_code,
    case when levels.keeps_site then {{ alias }}.site else 'all' end as site,
    case when levels.keeps_project_type then {{ alias }}.project_type end as project_type,
    case
        when levels.keeps_project_type then {{ alias }}.project_type_name
        else 'All project types'
    end as project_type_name
{%- endmacro %}

{#
    The reporting group of an SPM row `alias` (an enrollment, stay, exit or entry): what
    spm_level_columns reads to place the row at each reporting level.
#}
{% macro spm_group_columns(alias) -%}
        {{ alias }}.coc_code,
        {{ alias }}.site,
        {{ alias }}.project_type,
        {{ alias }}.project_type_name
{%- endmacro %}

{# The same keys for a group by. #}
{% macro spm_level_group_by() -%}
    reporting_level, level_order, coc_code, site, project_type, project_type_name
{%- endmacro %}

{# The reporting-level key columns of an aggregated row `alias`, in the order the marts show them. #}
{% macro spm_level_keys(alias) -%}
    {%- for column in ['reporting_level', 'level_order', 'coc_code', 'site', 'project_type',
                       'project_type_name'] %}
        {{ alias }}.{{ column }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{#
    The CTEs `grouped` and `aggregated` of an SPM rate: each row of `people` (one per period
    x `breakdown` x person, with the `carried` columns) at every reporting level (CTE
    `levels`: spm_reporting_levels()), then per period x breakdown x level: universe and
    denominator (the people), numerator (the people for whom `numerator` holds) and the
    `extra` aggregates (name -> expression over `grouped`), in that order.
#}
{% macro spm_counted(people, breakdown, numerator, carried, extra={}) -%}
grouped as (
    select
        {{ people }}.period_index,
        {{ people }}.{{ breakdown }},
        {{ caseintel.spm_level_columns(people) }},
        {{ people }}.person_id
        {%- for column in carried %},
        {{ people }}.{{ column }}
        {%- endfor %}
    from {{ people }}
    cross join levels
),

aggregated as (
    select
        period_index,
        {{ breakdown }},
        {{ caseintel.spm_level_group_by() }},
        count(distinct person_id) as universe,
        count(distinct case when {{ numerator }} then person_id end) as numerator,
        count(distinct person_id) as denominator
        {%- for name, expression in extra.items() %},
        {{ expression }} as {{ name }}
        {%- endfor %}
    from grouped
    group by period_index, {{ breakdown }}, {{ caseintel.spm_level_group_by() }}
)
{%- endmacro %}

{# An SPM rate's universe, numerator, denominator and rate of an aggregated row `alias`. #}
{% macro spm_rate_columns(alias) -%}
        {{ alias }}.universe,
        {{ alias }}.numerator,
        {{ alias }}.denominator,
        {{ caseintel.safe_rate(alias ~ '.numerator', alias ~ '.denominator') }} as rate
{%- endmacro %}

{#
    numerator / denominator as a share rounded to 4 places (a double on every engine, so
    0.5 reads 0.5 everywhere); null when the denominator is 0.
#}
{% macro safe_rate(numerator, denominator) -%}
    cast(
        round(cast({{ numerator }} as {{ dbt.type_numeric() }}) / nullif({{ denominator }}, 0), 4)
        as {{ caseintel.type_double() }}
    )
{%- endmacro %}

{#
    An IncomeBenefits record's total monthly income: TotalMonthlyIncome, or 0 when the record
    says no income from any source (IncomeFromAnySource 0) and leaves the total blank.
#}
{% macro hmis_monthly_income(total_monthly_income, income_from_any_source) -%}
    coalesce(
        {{ total_monthly_income }},
        case when {{ income_from_any_source }} = 0 then 0 end
    )
{%- endmacro %}

{#
    The columns of an SPM Measure 2 mart: int_spm_m2_returns under one counting
    (spm_m2_returns_to_homelessness, spm_m2_returns_per_site).
#}
{% macro spm_m2_return_columns() -%}
        {{ caseintel.spm_period_columns() }},
        m2_exit_window_start,
        m2_exit_window_end,
        {{ caseintel.spm_level_group_by() }},
        window_months,
        window_days,
        universe,
        numerator,
        denominator,
        rate,
        returns_to_ph
{%- endmacro %}

{#
    int_hud_clients with each record's DOB, for the models that take ages (at dates of their
    own): DOB comes from the ephemeral stg_hmis__client_identifiers, so no materialized model
    carries it. The body of a CTE: `clients as ( {{ hud_clients_with_dob() }} )`.
#}
{% macro hud_clients_with_dob() -%}
    select
        hud_clients.*,
        identifiers.dob
    from {{ ref('int_hud_clients') }} as hud_clients
    left join {{ ref('stg_hmis__client_identifiers') }} as identifiers
        on identifiers.record_key = hud_clients.record_key
{%- endmacro %}
