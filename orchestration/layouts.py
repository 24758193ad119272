"""The landing contract's column layouts: HUD HMIS CSV headers (FY2024 and FY2026) and the
headers of the other sources. The demo generator writes these; ingest checks files against them.

Sources: shared/reference/hmis-csv.md for Export, Client, Enrollment (FY2026) and Project;
HUD's FY2024 CSV specification (as mirrored in public HMIS warehouse code) for the rest.
Exit, Services, CurrentLivingSituation and IncomeBenefits use the FY2024 lists in both
years. The CurrentLivingSituation key is HUD's own spelling, `CurrentLivingSitID`.
"""

from __future__ import annotations

AUDIT = ("DateCreated", "DateUpdated", "UserID", "DateDeleted", "ExportID")


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_EXPORT_2024 = _split("""
    ExportID SourceType SourceID SourceName SourceContactFirst SourceContactLast
    SourceContactPhone SourceContactExtension SourceContactEmail ExportDate ExportStartDate
    ExportEndDate SoftwareName SoftwareVersion CSVVersion ExportPeriodType ExportDirective
    HashStatus
""")
ORGANIZATION = (
    _split("OrganizationID OrganizationName VictimServiceProvider OrganizationCommonName") + AUDIT
)
PROJECT = (
    _split("""
    ProjectID OrganizationID ProjectName ProjectCommonName OperatingStartDate OperatingEndDate
    ContinuumProject ProjectType HousingType RRHSubType ResidentialAffiliation TargetPopulation
    HOPWAMedAssistedLivingFac PITCount
""")
    + AUDIT
)

_CLIENT_HEAD = _split("""
    PersonalID FirstName MiddleName LastName NameSuffix NameDataQuality SSN SSNDataQuality
    DOB DOBDataQuality
""")
_RACE = _split("""
    AmIndAKNative Asian BlackAfAmerican HispanicLatinaeo MidEastNAfrican NativeHIPacific
    White RaceNone AdditionalRaceEthnicity
""")
GENDER_2024 = _split("""
    Woman Man NonBinary CulturallySpecific Transgender Questioning DifferentIdentity
    GenderNone DifferentIdentityText
""")
_VETERAN = _split("""
    VeteranStatus YearEnteredService YearSeparated WorldWarII KoreanWar VietnamWar DesertStorm
    AfghanistanOEF IraqOIF IraqOND OtherTheater MilitaryBranch DischargeStatus
""")

_ENROLLMENT_HEAD = _split("""
    EnrollmentID PersonalID ProjectID EntryDate HouseholdID RelationshipToHoH EnrollmentCoC
    LivingSituation RentalSubsidyType LengthOfStay LOSUnderThreshold PreviousStreetESSH
    DateToStreetESSH TimesHomelessPastThreeYears MonthsHomelessPastThreeYears
    DisablingCondition DateOfEngagement MoveInDate DateOfPATHStatus ClientEnrolledInPATH
    ReasonNotEnrolled PercentAMI ReferralSource CountOutreachReferralApproaches
    DateOfBCPStatus EligibleForRHY ReasonNoServices RunawayYouth
""")
_ENROLLMENT_2024_RHY = _split("SexualOrientation SexualOrientationOther")
_ENROLLMENT_MID = _split("""
    FormerWardChildWelfare ChildWelfareYears ChildWelfareMonths FormerWardJuvenileJustice
    JuvenileJusticeYears JuvenileJusticeMonths UnemploymentFam MentalHealthDisorderFam
    PhysicalDisabilityFam AlcoholDrugUseDisorderFam InsufficientIncome IncarceratedParent
    VAMCStation TargetScreenReqd TimeToHousingLoss AnnualPercentAMI LiteralHomelessHistory
    ClientLeaseholder HOHLeaseholder SubsidyAtRisk EvictionHistory CriminalRecord
    IncarceratedAdult PrisonDischarge SexOffender DisabledHoH CurrentPregnant SingleParent
    DependentUnder6 HH5Plus CoCPrioritized HPScreeningScore ThresholdScore
""")
_ENROLLMENT_LANGUAGE = _split("TranslationNeeded PreferredLanguage PreferredLanguageDifferent")

EXIT = (
    _split("""
    ExitID EnrollmentID PersonalID ExitDate Destination DestinationSubsidyType OtherDestination
    HousingAssessment SubsidyInformation ProjectCompletionStatus EarlyExitReason ExchangeForSex
    ExchangeForSexPastThreeMonths CountOfExchangeForSex AskedOrForcedToExchangeForSex
    AskedOrForcedToExchangeForSexPastThreeMonths WorkPlaceViolenceThreats
    WorkplacePromiseDifference CoercedToContinueWork LaborExploitPastThreeMonths
    CounselingReceived IndividualCounseling FamilyCounseling GroupCounseling SessionCountAtExit
    PostExitCounselingPlan SessionsInPlan DestinationSafeClient DestinationSafeWorker
    PosAdultConnections PosPeerConnections PosCommunityConnections AftercareDate
    AftercareProvided EmailSocialMedia Telephone InPersonIndividual InPersonGroup CMExitReason
""")
    + AUDIT
)
SERVICES = (
    _split("""
    ServicesID EnrollmentID PersonalID DateProvided RecordType TypeProvided OtherTypeProvided
    MovingOnOtherType SubTypeProvided FAAmount FAStartDate FAEndDate ReferralOutcome
""")
    + AUDIT
)
CURRENT_LIVING_SITUATION = (
    _split("""
    CurrentLivingSitID EnrollmentID PersonalID InformationDate CurrentLivingSituation
    CLSSubsidyType VerifiedBy LeaveSituation14Days SubsequentResidence ResourcesToObtain
    LeaseOwn60Day MovedTwoOrMore LocationDetails
""")
    + AUDIT
)
INCOME_SOURCES = _split("""
    Earned Unemployment SSI SSDI VADisabilityService VADisabilityNonService PrivateDisability
    WorkersComp TANF GA SocSecRetirement Pension ChildSupport Alimony
""")
INCOME_BENEFITS = (
    _split("""
    IncomeBenefitsID EnrollmentID PersonalID InformationDate IncomeFromAnySource
    TotalMonthlyIncome
""")
    + tuple(c for source in INCOME_SOURCES for c in (source, f"{source}Amount"))
    + _split("""
    OtherIncomeSource OtherIncomeAmount OtherIncomeSourceIdentify BenefitsFromAnySource SNAP
    WIC TANFChildCare TANFTransportation OtherTANF OtherBenefitsSource
    OtherBenefitsSourceIdentify InsuranceFromAnySource Medicaid NoMedicaidReason Medicare
    NoMedicareReason SCHIP NoSCHIPReason VHAServices NoVHAReason EmployerProvided
    NoEmployerProvidedReason COBRA NoCOBRAReason PrivatePay NoPrivatePayReason StateHealthIns
    NoStateHealthInsReason IndianHealthServices NoIndianHealthServicesReason OtherInsurance
    OtherInsuranceIdentify ADAP NoADAPReason RyanWhiteMedDent NoRyanWhiteReason
    ConnectionWithSOAR DataCollectionStage
""")
    + AUDIT
)

HEADERS: dict[int, dict[str, tuple[str, ...]]] = {
    2024: {
        "Export.csv": _EXPORT_2024,
        "Client.csv": _CLIENT_HEAD + _RACE + GENDER_2024 + _VETERAN + AUDIT,
        "Enrollment.csv": _ENROLLMENT_HEAD
        + _ENROLLMENT_2024_RHY
        + _ENROLLMENT_MID
        + _ENROLLMENT_LANGUAGE
        + AUDIT,
    },
    2026: {
        "Export.csv": _EXPORT_2024 + ("ImplementationID",),
        "Client.csv": _CLIENT_HEAD + ("Sex",) + _RACE + _VETERAN + AUDIT,
        "Enrollment.csv": _ENROLLMENT_HEAD
        + _ENROLLMENT_MID
        + ("MentalHealthConsultation",)
        + _ENROLLMENT_LANGUAGE
        + AUDIT,
    },
}
for _year in HEADERS:
    HEADERS[_year].update(
        {
            "Organization.csv": ORGANIZATION,
            "Project.csv": PROJECT,
            "Exit.csv": EXIT,
            "Services.csv": SERVICES,
            "CurrentLivingSituation.csv": CURRENT_LIVING_SITUATION,
            "IncomeBenefits.csv": INCOME_BENEFITS,
        }
    )
CSV_VERSION = {2024: "2024 v1.0", 2026: "2026 v1.0"}

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
