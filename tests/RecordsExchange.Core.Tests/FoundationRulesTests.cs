using RecordsExchange.Core.Rules;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Core.Tests;

public sealed class FoundationRulesTests
{
    [Theory]
    [InlineData(LegalBasis.None, "", false)]
    [InlineData(LegalBasis.AdministrativeDetainer, "I247A-1", false)]
    [InlineData(LegalBasis.JudicialWarrant, "CR-1", true)]
    [InlineData(LegalBasis.JudicialWarrant, "", false)]
    public void ReleaseInfo_OnlyJudicialWarrantWithNumber_Permitted(LegalBasis basis, string number, bool permitted)
    {
        var decision = FoundationRules.ReleaseInfo(new RequestContext { LegalBasis = basis, LegalDocumentNumber = number });

        Assert.Equal(permitted, decision.Permitted);
        Assert.Equal(FoundationRules.ReleaseWarrantRuleId, decision.RuleId);
        Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
    }

    [Fact]
    public void EnsurePermitted_Denial_ThrowsWithRule()
    {
        var denied = Assert.Throws<AccessDeniedException>(() => FoundationRules.ReleaseInfo(new RequestContext { LegalBasis = LegalBasis.None }).EnsurePermitted());
        Assert.Equal(FoundationRules.ReleaseWarrantRuleId, denied.RuleId);
    }
}
