{#
    One row per HMIS client record (site x PersonalID, newest version): the universal data
    elements HUD reporting reads, as codes and as checks, without the identifiers themselves.
    Names and SSN are reduced to present / well-formed flags, read from the ephemeral
    stg_hmis__client_identifiers; DOB is not carried (ages are taken at different dates
    downstream, each model reading DOB from stg_hmis__client_identifiers), so this model
    holds no PII. Sex, gender and race come as staging reads them (an FY2022 export's
    gender and ethnicity in FY2024's columns).
#}
{%- set races = ['am_ind_ak_native', 'asian', 'black_af_american', 'hispanic_latinaeo',
                 'mid_east_n_african', 'native_hi_pacific', 'white'] -%}
{%- set genders = ['woman', 'man', 'non_binary', 'culturally_specific', 'transgender',
                   'questioning', 'different_identity'] -%}

with clients as (
    select * from {{ ref('stg_hmis__clients') }}
),

identifiers as (
    select * from {{ ref('stg_hmis__client_identifiers') }}
),

exports as (
    select * from {{ ref('stg_hmis__exports') }}
),

record_links as (
    select * from {{ ref('int_record_links') }}
),

checked as (
    select
        clients.record_key,
        record_links.person_id,
        clients.site,
        clients.personal_id,
        clients.csv_layout,
        identifiers.first_name is not null as has_first_name,
        identifiers.last_name is not null as has_last_name,
        clients.name_data_quality,
        identifiers.ssn is not null as has_ssn,
        coalesce(exports.is_pii_hashed, false) as is_pii_hashed,
        {{ is_digits('identifiers.ssn', 9) }} as ssn_is_nine_digits,
        identifiers.ssn = repeat(substr(identifiers.ssn, 1, 1), 9) as ssn_is_one_repeated_digit,
        (
            substr(identifiers.ssn, 1, 3) in ('000', '666')
            or substr(identifiers.ssn, 1, 1) = '9'
            or substr(identifiers.ssn, 4, 2) = '00'
            or substr(identifiers.ssn, 6, 4) = '0000'
        ) as ssn_breaks_ssa_rules,
        clients.ssn_data_quality,
        clients.dob_data_quality,
        clients.veteran_status,
        clients.sex,
        {%- for column in races %}
        clients.{{ column }},
        {%- endfor %}
        clients.race_none,
        {%- for column in genders %}
        clients.{{ column }},
        {%- endfor %}
        clients.gender_none,
        (
            {%- for column in races %}
            {% if not loop.first %}or {% endif %}coalesce(clients.{{ column }}, 0) = 1
            {%- endfor %}
        ) as has_race,
        (
            {%- for column in genders %}
            {% if not loop.first %}or {% endif %}coalesce(clients.{{ column }}, 0) = 1
            {%- endfor %}
        ) as has_gender,
        clients.date_created,
        clients._load_id,
        clients._source_file,
        clients._source_row
    from clients
    left join identifiers
        on identifiers.record_key = clients.record_key
    left join record_links
        on record_links.record_key = clients.record_key
    left join exports
        on exports.site = clients.site
        and exports.export_id = clients.export_id
)

select * from checked
