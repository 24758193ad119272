{#
    int_enrollments with what HUD reporting needs beyond it: the CoC the enrollment reports
    under (EnrollmentCoC, else var default_coc_code), the entry living situation and
    disabling condition, DateCreated, and whether the exit destination is permanent by HUD's
    4xx grouping. EnrollmentCoC is not in staging yet: it is read from the enrollment's own
    raw row through its lineage (_load_id, _source_row), so staging's choice of the newest
    version still decides which row that is.
#}
with enrollments as (
    select * from {{ ref('int_enrollments') }}
),

staged_enrollments as (
    select * from {{ ref('stg_hmis__enrollments') }}
),

raw_enrollments as (
    {{ select_source('raw', 'hmis_enrollment') }}
),

enrollment_cocs as (
    select
        {{ clean_text('_load_id') }} as _load_id,
        cast(_source_row as {{ dbt.type_bigint() }}) as _source_row,
        upper({{ clean_text('enrollment_co_c') }}) as enrollment_coc
    from raw_enrollments
),

joined as (
    select
        enrollments.enrollment_key,
        enrollments.person_id,
        enrollments.record_key,
        enrollments.site,
        enrollments.personal_id,
        enrollments.project_key,
        enrollments.project_name,
        enrollments.project_type,
        enrollments.project_type_name,
        enrollments.household_id,
        enrollments.relationship_to_hoh,
        enrollment_cocs.enrollment_coc,
        coalesce(enrollment_cocs.enrollment_coc, {{ default_coc_code() }}) as coc_code,
        enrollments.entry_date,
        enrollments.move_in_date,
        enrollments.exit_key,
        enrollments.exit_date,
        enrollments.destination,
        enrollments.destination_group,
        coalesce({{ spm_is_permanent_destination('enrollments.destination') }}, false) as is_hud_permanent_destination,
        staged_enrollments.living_situation,
        staged_enrollments.living_situation_group,
        staged_enrollments.disabling_condition,
        staged_enrollments.date_created,
        enrollments._load_id,
        enrollments._source_file,
        enrollments._source_row
    from enrollments
    inner join staged_enrollments
        on staged_enrollments.enrollment_key = enrollments.enrollment_key
    left join enrollment_cocs
        on enrollment_cocs._load_id = enrollments._load_id
        and enrollment_cocs._source_row = enrollments._source_row
)

select * from joined
