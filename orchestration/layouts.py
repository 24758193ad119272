"""The landing contract's column layouts: HUD HMIS CSV headers (FY2022, FY2024, FY2026) and
the headers of the other sources. The demo generator writes these; ingest checks files against
them.

HUD's own specification PDFs are not reachable offline; the lists follow HUD Data Lab's
machine-readable FY2024 column list (`HUD-Data-Lab/DataLab` SupplementalTables/CSV_Columns.csv),
Abt's Eva column lists (FY2022) and Green River's hmis-warehouse FY2022->FY2024->FY2026
transformers and FY2026 import triggers. FY2026 changes only Client (`Sex` replaces the
gender columns; `HispanicLatinaeo` is spelt `HispanicLatinao`) and Enrollment (the sexual-
orientation and language columns go; `MentalHealthConsultation` comes). Header names are
compared in snake_case, and the spellings peers disagree on are aliases (`ALIASES`).
"""

from __future__ import annotations

AUDIT = ("DateCreated", "DateUpdated", "UserID", "DateDeleted", "ExportID")


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FY2024: dict[str, tuple[str, ...]] = {
    "Export.csv": _split("""
        ExportID SourceType SourceID SourceName SourceContactFirst SourceContactLast
        SourceContactPhone SourceContactExtension SourceContactEmail ExportDate ExportStartDate
        ExportEndDate SoftwareName SoftwareVersion CSVVersion ExportPeriodType ExportDirective
        HashStatus ImplementationID
    """),
    "Organization.csv": _split("""
        OrganizationID OrganizationName VictimServiceProvider OrganizationCommonName
    """) + AUDIT,
    "User.csv": _split("""
        UserID UserFirstName UserLastName UserPhone UserExtension UserEmail DateCreated DateUpdated
        DateDeleted ExportID
    """),
    "Project.csv": _split("""
        ProjectID OrganizationID ProjectName ProjectCommonName OperatingStartDate OperatingEndDate
        ContinuumProject ProjectType HousingType RRHSubType ResidentialAffiliation TargetPopulation
        HOPWAMedAssistedLivingFac PITCount
    """) + AUDIT,
    "Funder.csv": _split("""
        FunderID ProjectID Funder OtherFunder GrantID StartDate EndDate
    """) + AUDIT,
    "ProjectCoC.csv": _split("""
        ProjectCoCID ProjectID CoCCode Geocode Address1 Address2 City State ZIP GeographyType
    """) + AUDIT,
    "Inventory.csv": _split("""
        InventoryID ProjectID CoCCode HouseholdType Availability UnitInventory BedInventory
        CHVetBedInventory YouthVetBedInventory VetBedInventory CHYouthBedInventory YouthBedInventory
        CHBedInventory OtherBedInventory ESBedType InventoryStartDate InventoryEndDate
    """) + AUDIT,
    "Affiliation.csv": _split("""
        AffiliationID ProjectID ResProjectID
    """) + AUDIT,
    "HMISParticipation.csv": _split("""
        HMISParticipationID ProjectID HMISParticipationType HMISParticipationStatusStartDate
        HMISParticipationStatusEndDate
    """) + AUDIT,
    "CEParticipation.csv": _split("""
        CEParticipationID ProjectID AccessPoint PreventionAssessment CrisisAssessment
        HousingAssessment DirectServices ReceivesReferrals CEParticipationStatusStartDate
        CEParticipationStatusEndDate
    """) + AUDIT,
    "Client.csv": _split("""
        PersonalID FirstName MiddleName LastName NameSuffix NameDataQuality SSN SSNDataQuality DOB
        DOBDataQuality AmIndAKNative Asian BlackAfAmerican HispanicLatinaeo MidEastNAfrican
        NativeHIPacific White RaceNone AdditionalRaceEthnicity Woman Man NonBinary
        CulturallySpecific Transgender Questioning DifferentIdentity GenderNone
        DifferentIdentityText VeteranStatus YearEnteredService YearSeparated WorldWarII KoreanWar
        VietnamWar DesertStorm AfghanistanOEF IraqOIF IraqOND OtherTheater MilitaryBranch
        DischargeStatus
    """) + AUDIT,
    "Enrollment.csv": _split("""
        EnrollmentID PersonalID ProjectID EntryDate HouseholdID RelationshipToHoH EnrollmentCoC
        LivingSituation RentalSubsidyType LengthOfStay LOSUnderThreshold PreviousStreetESSH
        DateToStreetESSH TimesHomelessPastThreeYears MonthsHomelessPastThreeYears DisablingCondition
        DateOfEngagement MoveInDate DateOfPATHStatus ClientEnrolledInPATH ReasonNotEnrolled
        PercentAMI ReferralSource CountOutreachReferralApproaches DateOfBCPStatus EligibleForRHY
        ReasonNoServices RunawayYouth SexualOrientation SexualOrientationOther
        FormerWardChildWelfare ChildWelfareYears ChildWelfareMonths FormerWardJuvenileJustice
        JuvenileJusticeYears JuvenileJusticeMonths UnemploymentFam MentalHealthDisorderFam
        PhysicalDisabilityFam AlcoholDrugUseDisorderFam InsufficientIncome IncarceratedParent
        VAMCStation TargetScreenReqd TimeToHousingLoss AnnualPercentAMI LiteralHomelessHistory
        ClientLeaseholder HOHLeaseholder SubsidyAtRisk EvictionHistory CriminalRecord
        IncarceratedAdult PrisonDischarge SexOffender DisabledHoH CurrentPregnant SingleParent
        DependentUnder6 HH5Plus CoCPrioritized HPScreeningScore ThresholdScore TranslationNeeded
        PreferredLanguage PreferredLanguageDifferent
    """) + AUDIT,
    "Exit.csv": _split("""
        ExitID EnrollmentID PersonalID ExitDate Destination DestinationSubsidyType OtherDestination
        HousingAssessment SubsidyInformation ProjectCompletionStatus EarlyExitReason ExchangeForSex
        ExchangeForSexPastThreeMonths CountOfExchangeForSex AskedOrForcedToExchangeForSex
        AskedOrForcedToExchangeForSexPastThreeMonths WorkplaceViolenceThreats
        WorkplacePromiseDifference CoercedToContinueWork LaborExploitPastThreeMonths
        CounselingReceived IndividualCounseling FamilyCounseling GroupCounseling SessionCountAtExit
        PostExitCounselingPlan SessionsInPlan DestinationSafeClient DestinationSafeWorker
        PosAdultConnections PosPeerConnections PosCommunityConnections AftercareDate
        AftercareProvided EmailSocialMedia Telephone InPersonIndividual InPersonGroup CMExitReason
    """) + AUDIT,
    "IncomeBenefits.csv": _split("""
        IncomeBenefitsID EnrollmentID PersonalID InformationDate IncomeFromAnySource
        TotalMonthlyIncome Earned EarnedAmount Unemployment UnemploymentAmount SSI SSIAmount SSDI
        SSDIAmount VADisabilityService VADisabilityServiceAmount VADisabilityNonService
        VADisabilityNonServiceAmount PrivateDisability PrivateDisabilityAmount WorkersComp
        WorkersCompAmount TANF TANFAmount GA GAAmount SocSecRetirement SocSecRetirementAmount
        Pension PensionAmount ChildSupport ChildSupportAmount Alimony AlimonyAmount
        OtherIncomeSource OtherIncomeAmount OtherIncomeSourceIdentify BenefitsFromAnySource SNAP WIC
        TANFChildCare TANFTransportation OtherTANF OtherBenefitsSource OtherBenefitsSourceIdentify
        InsuranceFromAnySource Medicaid NoMedicaidReason Medicare NoMedicareReason SCHIP
        NoSCHIPReason VHAServices NoVHAReason EmployerProvided NoEmployerProvidedReason COBRA
        NoCOBRAReason PrivatePay NoPrivatePayReason StateHealthIns NoStateHealthInsReason
        IndianHealthServices NoIndianHealthServicesReason OtherInsurance OtherInsuranceIdentify ADAP
        NoADAPReason RyanWhiteMedDent NoRyanWhiteReason ConnectionWithSOAR DataCollectionStage
    """) + AUDIT,
    "HealthAndDV.csv": _split("""
        HealthAndDVID EnrollmentID PersonalID InformationDate DomesticViolenceSurvivor WhenOccurred
        CurrentlyFleeing GeneralHealthStatus DentalHealthStatus MentalHealthStatus PregnancyStatus
        DueDate DataCollectionStage
    """) + AUDIT,
    "EmploymentEducation.csv": _split("""
        EmploymentEducationID EnrollmentID PersonalID InformationDate LastGradeCompleted
        SchoolStatus Employed EmploymentType NotEmployedReason DataCollectionStage
    """) + AUDIT,
    "Disabilities.csv": _split("""
        DisabilitiesID EnrollmentID PersonalID InformationDate DisabilityType DisabilityResponse
        IndefiniteAndImpairs TCellCountAvailable TCellCount TCellSource ViralLoadAvailable ViralLoad
        ViralLoadSource AntiRetroviral DataCollectionStage
    """) + AUDIT,
    "Services.csv": _split("""
        ServicesID EnrollmentID PersonalID DateProvided RecordType TypeProvided OtherTypeProvided
        MovingOnOtherType SubTypeProvided FAAmount FAStartDate FAEndDate ReferralOutcome
    """) + AUDIT,
    "CurrentLivingSituation.csv": _split("""
        CurrentLivingSitID EnrollmentID PersonalID InformationDate CurrentLivingSituation
        CLSSubsidyType VerifiedBy LeaveSituation14Days SubsequentResidence ResourcesToObtain
        LeaseOwn60Day MovedTwoOrMore LocationDetails
    """) + AUDIT,
    "Assessment.csv": _split("""
        AssessmentID EnrollmentID PersonalID AssessmentDate AssessmentLocation AssessmentType
        AssessmentLevel PrioritizationStatus
    """) + AUDIT,
    "AssessmentQuestions.csv": _split("""
        AssessmentQuestionID AssessmentID EnrollmentID PersonalID AssessmentQuestionGroup
        AssessmentQuestionOrder AssessmentQuestion AssessmentAnswer
    """) + AUDIT,
    "AssessmentResults.csv": _split("""
        AssessmentResultID AssessmentID EnrollmentID PersonalID AssessmentResultType
        AssessmentResult
    """) + AUDIT,
    "Event.csv": _split("""
        EventID EnrollmentID PersonalID EventDate Event ProbSolDivRRResult ReferralCaseManageAfter
        LocationCrisisOrPHHousing ReferralResult ResultDate
    """) + AUDIT,
    "YouthEducationStatus.csv": _split("""
        YouthEducationStatusID EnrollmentID PersonalID InformationDate CurrentSchoolAttend
        MostRecentEdStatus CurrentEdStatus DataCollectionStage
    """) + AUDIT,
}
GENDER_2024 = _split("""
    Woman Man NonBinary CulturallySpecific Transgender Questioning DifferentIdentity
    GenderNone DifferentIdentityText
""")
_FY2026_CHANGED: dict[str, tuple[str, ...]] = {
    "Client.csv": _split("""
        PersonalID FirstName MiddleName LastName NameSuffix NameDataQuality SSN SSNDataQuality DOB
        DOBDataQuality Sex AmIndAKNative Asian BlackAfAmerican HispanicLatinao MidEastNAfrican
        NativeHIPacific White RaceNone AdditionalRaceEthnicity VeteranStatus YearEnteredService
        YearSeparated WorldWarII KoreanWar VietnamWar DesertStorm AfghanistanOEF IraqOIF IraqOND
        OtherTheater MilitaryBranch DischargeStatus
    """) + AUDIT,
    "Enrollment.csv": _split("""
        EnrollmentID PersonalID ProjectID EntryDate HouseholdID RelationshipToHoH EnrollmentCoC
        LivingSituation RentalSubsidyType LengthOfStay LOSUnderThreshold PreviousStreetESSH
        DateToStreetESSH TimesHomelessPastThreeYears MonthsHomelessPastThreeYears DisablingCondition
        DateOfEngagement MoveInDate DateOfPATHStatus ClientEnrolledInPATH ReasonNotEnrolled
        PercentAMI ReferralSource CountOutreachReferralApproaches DateOfBCPStatus EligibleForRHY
        ReasonNoServices RunawayYouth FormerWardChildWelfare ChildWelfareYears ChildWelfareMonths
        FormerWardJuvenileJustice JuvenileJusticeYears JuvenileJusticeMonths UnemploymentFam
        MentalHealthDisorderFam PhysicalDisabilityFam AlcoholDrugUseDisorderFam InsufficientIncome
        IncarceratedParent VAMCStation TargetScreenReqd TimeToHousingLoss AnnualPercentAMI
        LiteralHomelessHistory ClientLeaseholder HOHLeaseholder SubsidyAtRisk EvictionHistory
        CriminalRecord IncarceratedAdult PrisonDischarge SexOffender DisabledHoH CurrentPregnant
        SingleParent DependentUnder6 HH5Plus CoCPrioritized HPScreeningScore ThresholdScore
        MentalHealthConsultation
    """) + AUDIT,
}
_FY2022_FILES = _split("""
    Export.csv Organization.csv User.csv Project.csv Funder.csv ProjectCoC.csv
    Inventory.csv Affiliation.csv Client.csv Enrollment.csv EnrollmentCoC.csv Exit.csv
    IncomeBenefits.csv HealthAndDV.csv EmploymentEducation.csv Disabilities.csv Services.csv
    CurrentLivingSituation.csv
    Assessment.csv AssessmentQuestions.csv AssessmentResults.csv Event.csv YouthEducationStatus.csv
""")
# FY2022 files whose header differs from FY2024's; the others are the same as FY2024's.
_FY2022_CHANGED: dict[str, tuple[str, ...]] = {
    "Export.csv": _split("""
        ExportID SourceType SourceID SourceName SourceContactFirst SourceContactLast
        SourceContactPhone SourceContactExtension SourceContactEmail ExportDate ExportStartDate
        ExportEndDate SoftwareName SoftwareVersion CSVVersion ExportPeriodType ExportDirective
        HashStatus
    """),
    "Project.csv": _split("""
        ProjectID OrganizationID ProjectName ProjectCommonName OperatingStartDate OperatingEndDate
        ContinuumProject ProjectType HousingType ResidentialAffiliation TrackingMethod
        HMISParticipatingProject TargetPopulation HOPWAMedAssistedLivingFac PITCount
    """) + AUDIT,
    "Client.csv": _split("""
        PersonalID FirstName MiddleName LastName NameSuffix NameDataQuality SSN SSNDataQuality DOB
        DOBDataQuality AmIndAKNative Asian BlackAfAmerican NativeHIPacific White RaceNone Ethnicity
        Female Male NoSingleGender Transgender Questioning GenderNone VeteranStatus
        YearEnteredService YearSeparated WorldWarII KoreanWar VietnamWar DesertStorm AfghanistanOEF
        IraqOIF IraqOND OtherTheater MilitaryBranch DischargeStatus
    """) + AUDIT,
    "Enrollment.csv": _split("""
        EnrollmentID PersonalID ProjectID EntryDate HouseholdID RelationshipToHoH LivingSituation
        LengthOfStay LOSUnderThreshold PreviousStreetESSH DateToStreetESSH
        TimesHomelessPastThreeYears MonthsHomelessPastThreeYears DisablingCondition DateOfEngagement
        MoveInDate DateOfPATHStatus ClientEnrolledInPATH ReasonNotEnrolled WorstHousingSituation
        PercentAMI LastPermanentStreet LastPermanentCity LastPermanentState LastPermanentZIP
        AddressDataQuality ReferralSource CountOutreachReferralApproaches DateOfBCPStatus
        EligibleForRHY ReasonNoServices RunawayYouth SexualOrientation SexualOrientationOther
        FormerWardChildWelfare ChildWelfareYears ChildWelfareMonths FormerWardJuvenileJustice
        JuvenileJusticeYears JuvenileJusticeMonths UnemploymentFam MentalHealthDisorderFam
        PhysicalDisabilityFam AlcoholDrugUseDisorderFam InsufficientIncome IncarceratedParent
        VAMCStation TargetScreenReqd TimeToHousingLoss AnnualPercentAMI LiteralHomelessHistory
        ClientLeaseholder HOHLeaseholder SubsidyAtRisk EvictionHistory CriminalRecord
        IncarceratedAdult PrisonDischarge SexOffender DisabledHoH CurrentPregnant SingleParent
        DependentUnder6 HH5Plus CoCPrioritized HPScreeningScore ThresholdScore
    """) + AUDIT,
    "EnrollmentCoC.csv": _split("""
        EnrollmentCoCID EnrollmentID HouseholdID ProjectID PersonalID InformationDate CoCCode
        DataCollectionStage
    """) + AUDIT,
    "Exit.csv": _split("""
        ExitID EnrollmentID PersonalID ExitDate Destination OtherDestination HousingAssessment
        SubsidyInformation ProjectCompletionStatus EarlyExitReason ExchangeForSex
        ExchangeForSexPastThreeMonths CountOfExchangeForSex AskedOrForcedToExchangeForSex
        AskedOrForcedToExchangeForSexPastThreeMonths WorkplaceViolenceThreats
        WorkplacePromiseDifference CoercedToContinueWork LaborExploitPastThreeMonths
        CounselingReceived IndividualCounseling FamilyCounseling GroupCounseling SessionCountAtExit
        PostExitCounselingPlan SessionsInPlan DestinationSafeClient DestinationSafeWorker
        PosAdultConnections PosPeerConnections PosCommunityConnections AftercareDate
        AftercareProvided EmailSocialMedia Telephone InPersonIndividual InPersonGroup CMExitReason
    """) + AUDIT,
    "IncomeBenefits.csv": _split("""
        IncomeBenefitsID EnrollmentID PersonalID InformationDate IncomeFromAnySource
        TotalMonthlyIncome Earned EarnedAmount Unemployment UnemploymentAmount SSI SSIAmount SSDI
        SSDIAmount VADisabilityService VADisabilityServiceAmount VADisabilityNonService
        VADisabilityNonServiceAmount PrivateDisability PrivateDisabilityAmount WorkersComp
        WorkersCompAmount TANF TANFAmount GA GAAmount SocSecRetirement SocSecRetirementAmount
        Pension PensionAmount ChildSupport ChildSupportAmount Alimony AlimonyAmount
        OtherIncomeSource OtherIncomeAmount OtherIncomeSourceIdentify BenefitsFromAnySource SNAP WIC
        TANFChildCare TANFTransportation OtherTANF OtherBenefitsSource OtherBenefitsSourceIdentify
        InsuranceFromAnySource Medicaid NoMedicaidReason Medicare NoMedicareReason SCHIP
        NoSCHIPReason VAMedicalServices NoVAMedReason EmployerProvided NoEmployerProvidedReason
        COBRA NoCOBRAReason PrivatePay NoPrivatePayReason StateHealthIns NoStateHealthInsReason
        IndianHealthServices NoIndianHealthServicesReason OtherInsurance OtherInsuranceIdentify
        HIVAIDSAssistance NoHIVAIDSAssistanceReason ADAP NoADAPReason RyanWhiteMedDent
        NoRyanWhiteReason ConnectionWithSOAR DataCollectionStage
    """) + AUDIT,
    "HealthAndDV.csv": _split("""
        HealthAndDVID EnrollmentID PersonalID InformationDate DomesticViolenceVictim WhenOccurred
        CurrentlyFleeing GeneralHealthStatus DentalHealthStatus MentalHealthStatus PregnancyStatus
        DueDate LifeValue SupportFromOthers BounceBack FeelingFrequency DataCollectionStage
    """) + AUDIT,
    "Services.csv": _split("""
        ServicesID EnrollmentID PersonalID DateProvided RecordType TypeProvided OtherTypeProvided
        MovingOnOtherType SubTypeProvided FAAmount ReferralOutcome
    """) + AUDIT,
    "CurrentLivingSituation.csv": _split("""
        CurrentLivingSitID EnrollmentID PersonalID InformationDate CurrentLivingSituation VerifiedBy
        LeaveSituation14Days SubsequentResidence ResourcesToObtain LeaseOwn60Day MovedTwoOrMore
        LocationDetails
    """) + AUDIT,
}

HEADERS: dict[int, dict[str, tuple[str, ...]]] = {
    2022: {name: _FY2022_CHANGED.get(name) or _FY2024[name] for name in _FY2022_FILES},
    2024: _FY2024,
    2026: _FY2024 | _FY2026_CHANGED,
}
CSV_VERSION = {2022: "2022 v1.3", 2024: "2024 v1.0", 2026: "2026 v1.0"}
# FY2022 living-situation and destination codes in FY2024's numbering: each by its group
# (1xx homeless, 2xx institutional, 3xx temporary, 4xx permanent), every subsidised rental
# 435 (FY2024 moved the subsidy to its own column); 8, 9, 17, 24, 30, 37 and 99 stay.
# dbt_project/macros/hud_fy2022.sql is the same rule in SQL.
_FY2022_GROUPS = {100: (1, 16, 18), 200: (4, 5, 6, 7, 15, 25),
                  300: (2, 12, 13, 14, 27, 29, 32, 35, 36), 400: (10, 11, 21, 22, 23, 26)}
FY2022_LIVING_SITUATIONS = {str(code): str(group + code)
                            for group, codes in _FY2022_GROUPS.items() for code in codes}
FY2022_LIVING_SITUATIONS |= {str(code): "435" for code in (3, 19, 20, 28, 31, 33, 34)}
LIVING_SITUATION_COLUMNS = ("living_situation", "destination", "current_living_situation")
# FY2022 columns staging reads into their FY2024 counterparts; the rest of an FY2022 file's
# columns without one stay in raw, and the ledger names them.
FY2022_MAPPED = {"Client.csv": {"female", "male", "no_single_gender", "ethnicity"},
                 "HealthAndDV.csv": {"domestic_violence_victim"},
                 "Project.csv": {"tracking_method"}}

# Spellings of one HUD column that exports and peers disagree on (snake_case -> ours).
ALIASES = {
    "hispanic_latinao": "hispanic_latinaeo",  # FY2026's spelling of the same column
    "work_place_violence_threats": "workplace_violence_threats",
    "work_place_promise_difference": "workplace_promise_difference",
    "tcell_count": "t_cell_count",
    "tcell_source": "t_cell_source",
}

INTAKE = _split("""
    submission_id intake_client_id hmis_personal_id submitted_at first_name last_name dob
    ssn_last4 phone email street_address city zip program household_size employed
    monthly_income
""")
NOTES = _split("note_id personal_id note_date author_id note_type text")
SURVEYS = _split("""
    response_id survey_type submitted_at first_name last_name email phone housing_status
    employed monthly_income
""")
SCREENS = (
    ("screen_id", "personal_id", "instrument", "screen_date")
    + tuple(f"item_{i}" for i in range(1, 10))
    + ("total_score",)
)
MILESTONES = _split(
    "milestone_id personal_id goal milestone milestone_type status status_date stall_reason"
)
