{{ config(unique_key='enrollment_key') }}
-- depends_on: {{ ref('stg_ingest__loads') }}
-- raw keeps every export a site sent: newest version of each enrollment first, so a
-- deletion in a later export removes the enrollment even if an older copy was live
with {{ caseintel.versioned_rows('hmis_enrollment', 'enrollment_key', 'enrollment_id', hmis_version_order(), is_incremental()) }},

renamed as (
    select
        {{ site_key('_site', 'enrollment_id') }} as enrollment_key,
        {{ record_key('hmis', '_site', 'personal_id') }} as record_key,
        _site as site,
        {{ clean_text('enrollment_id') }} as enrollment_id,
        {{ clean_text('personal_id') }} as personal_id,
        {{ clean_text('project_id') }} as project_id,
        {{ site_key('_site', 'project_id') }} as project_key,
        {{ to_date('entry_date', hmis_pivot()) }} as entry_date,
        {{ clean_text('household_id') }} as household_id,
        {{ to_int('relationship_to_ho_h') }} as relationship_to_hoh,
        {{ hud_label('hud_relationship_to_hoh', to_int('relationship_to_ho_h')) }} as relationship_to_hoh_name,
        {{ fy2024_living_situation(to_int('living_situation'), '_csv_version') }} as living_situation,
        {{ living_situation_group(fy2024_living_situation(to_int('living_situation'), '_csv_version')) }} as living_situation_group,
        {{ to_int('disabling_condition') }} as disabling_condition,
        {{ to_date('move_in_date', hmis_pivot()) }} as move_in_date,
        {{ hmis_audit_columns() }},
        {{ lineage_columns() }}
    from versioned
    {{ newest_versions('enrollment_id', deleted='date_deleted') }}
)

{{ caseintel.staged_rows('enrollment_key', is_incremental()) }}
