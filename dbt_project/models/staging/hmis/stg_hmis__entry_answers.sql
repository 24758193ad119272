-- One row per HMIS enrollment (site x EnrollmentID): the answers given at project start
-- that HUD's chronic-homelessness definition reads (prior living situation, length of stay,
-- the street/shelter history, disabling condition), newest version, deleted rows removed.
-- FY2022 living-situation codes are read as their FY2024 numbers.
{{ caseintel.stage_hmis_file(
    'hmis_enrollment', 'enrollment_id',
    text=['personal_id', 'project_id', 'household_id'],
    dates=['entry_date', 'date_to_street_essh'],
    integers=['relationship_to_ho_h', 'living_situation', 'length_of_stay',
              'los_under_threshold', 'previous_street_essh',
              'times_homeless_past_three_years', 'months_homeless_past_three_years',
              'disabling_condition'],
    fy2022_living_situations=['living_situation'],
) }}
