-- No PII: names, SSN and DOB stay in raw (identity resolution reads them there); models that
-- check them or take ages read the ephemeral stg_hmis__client_identifiers, through the
-- lineage columns kept here.
with source as (
    {{ select_source('raw', 'hmis_client') }}
),

versioned as (
    -- raw keeps every export a site sent: newest version of each client first
    {{ rank_versions('source', 'personal_id', hmis_version_order()) }}
),

renamed as (
    select
        {{ record_key('hmis', '_site', 'personal_id') }} as record_key,
        _site as site,
        {{ clean_text('personal_id') }} as personal_id,
        {{ to_int('name_data_quality') }} as name_data_quality,
        {{ to_int('ssn_data_quality') }} as ssn_data_quality,
        {{ to_int('dob_data_quality') }} as dob_data_quality,
        {{ to_int('veteran_status') }} as veteran_status,
        {{ hud_label('hud_no_yes_reasons', to_int('veteran_status')) }} as veteran_status_name,
        {{ to_int('sex') }} as sex,
        -- FY2022 gender and ethnicity in FY2024's columns, as HUD's transition maps them:
        -- Female -> Woman, Male -> Man, NoSingleGender -> NonBinary; Ethnicity 1 -> HispanicLatinaeo
        coalesce({{ to_int('woman') }}, {{ to_int('female') }}) as woman,
        coalesce({{ to_int('man') }}, {{ to_int('male') }}) as man,
        coalesce({{ to_int('non_binary') }}, {{ to_int('no_single_gender') }}) as non_binary,
        {{ to_int('culturally_specific') }} as culturally_specific,
        {{ to_int('transgender') }} as transgender,
        {{ to_int('questioning') }} as questioning,
        {{ to_int('different_identity') }} as different_identity,
        {{ to_int('gender_none') }} as gender_none,
        {{ to_int('am_ind_ak_native') }} as am_ind_ak_native,
        {{ to_int('asian') }} as asian,
        {{ to_int('black_af_american') }} as black_af_american,
        coalesce(
            {{ to_int('hispanic_latinaeo') }},
            case when _csv_version = 'FY2022' and {{ to_int('ethnicity') }} is not null
                then case when {{ to_int('ethnicity') }} = 1 then 1 else 0 end
            end
        ) as hispanic_latinaeo,
        {{ to_int('mid_east_n_african') }} as mid_east_n_african,
        {{ to_int('native_hi_pacific') }} as native_hi_pacific,
        {{ to_int('white') }} as white,
        {{ to_int('race_none') }} as race_none,
        {{ hmis_audit_columns() }},
        _csv_version as csv_layout,
        {{ lineage_columns() }}
    from versioned
    {{ newest_versions('personal_id', deleted='date_deleted') }}
)

select * from renamed
