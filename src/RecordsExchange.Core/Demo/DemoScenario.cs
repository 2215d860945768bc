namespace RecordsExchange.Core.Demo;

/// <summary>The record shapes the demo data covers, one for each case the release rules must tell apart.</summary>
public enum DemoScenario
{
    SeriousViolentFelony,
    StatePrisonFelony,
    ListedWobblerMisdemeanorWithin5Years,
    ListedWobblerMisdemeanorOver5Years,
    ListedFelonyWithin15Years,
    ListedFelonyOver15Years,
    Prop47Reduced,
    PendingChargesOnly,
    NoConvictions,
    AlreadyReleased,
    NoReleaseDate,
    StraightMisdemeanor,
}
