{#
    One row per HMIS client record (site x PersonalID, newest version): the universal data
    elements HUD reporting reads, as codes and as checks, without the identifiers themselves.
    Names and SSN are reduced to present / well-formed flags here; DOB stays (ages are taken
    at different dates downstream), so this model is PII like stg_hmis__clients and nothing
    in marts selects dob. Sex (FY2026), the FY2024 gender columns and race are not in staging
    yet: they are read from the client's own raw row through its lineage.
#}
{%- set races = ['am_ind_ak_native', 'asian', 'black_af_american', 'hispanic_latinaeo',
                 'mid_east_n_african', 'native_hi_pacific', 'white'] -%}
{%- set genders = ['woman', 'man', 'non_binary', 'culturally_specific', 'transgender',
                   'questioning', 'different_identity'] -%}

with clients as (
    select * from {{ ref('stg_hmis__clients') }}
),

exports as (
    select * from {{ ref('stg_hmis__exports') }}
),

record_links as (
    select * from {{ ref('int_record_links') }}
),

raw_clients as (
    {{ select_source('raw', 'hmis_client') }}
),

demographics as (
    -- the raw row of each staged client version: sex, gender and race codes
    select
        {{ clean_text('_load_id') }} as _load_id,
        cast(_source_row as {{ dbt.type_bigint() }}) as _source_row,
        {{ to_int('sex') }} as sex,
        {%- for column in races %}
        {{ to_int(column) }} as {{ column }},
        {%- endfor %}
        {{ to_int('race_none') }} as race_none,
        {%- for column in genders %}
        {{ to_int(column) }} as {{ column }},
        {%- endfor %}
        {{ to_int('gender_none') }} as gender_none
    from raw_clients
),

checked as (
    select
        clients.record_key,
        record_links.person_id,
        clients.site,
        clients.personal_id,
        clients.csv_layout,
        clients.first_name is not null as has_first_name,
        clients.last_name is not null as has_last_name,
        clients.name_data_quality,
        clients.ssn is not null as has_ssn,
        coalesce(exports.is_pii_hashed, false) as is_pii_hashed,
        {{ is_digits('clients.ssn', 9) }} as ssn_is_nine_digits,
        clients.ssn = repeat(substr(clients.ssn, 1, 1), 9) as ssn_is_one_repeated_digit,
        (
            substr(clients.ssn, 1, 3) in ('000', '666')
            or substr(clients.ssn, 1, 1) = '9'
            or substr(clients.ssn, 4, 2) = '00'
            or substr(clients.ssn, 6, 4) = '0000'
        ) as ssn_breaks_ssa_rules,
        clients.ssn_data_quality,
        clients.dob,
        clients.dob_data_quality,
        clients.veteran_status,
        demographics.sex,
        {%- for column in races %}
        demographics.{{ column }},
        {%- endfor %}
        demographics.race_none,
        {%- for column in genders %}
        demographics.{{ column }},
        {%- endfor %}
        demographics.gender_none,
        (
            {%- for column in races %}
            {% if not loop.first %}or {% endif %}coalesce(demographics.{{ column }}, 0) = 1
            {%- endfor %}
        ) as has_race,
        (
            {%- for column in genders %}
            {% if not loop.first %}or {% endif %}coalesce(demographics.{{ column }}, 0) = 1
            {%- endfor %}
        ) as has_gender,
        clients.date_created,
        clients._load_id,
        clients._source_file,
        clients._source_row
    from clients
    left join record_links
        on record_links.record_key = clients.record_key
    left join exports
        on exports.site = clients.site
        and exports.export_id = clients.export_id
    left join demographics
        on demographics._load_id = clients._load_id
        and demographics._source_row = clients._source_row
)

select * from checked
