using RecordsExchange.Core.Policy;
using RecordsExchange.Core.Records;
using RecordsExchange.Core.Requests;
using RecordsExchange.Core.Statutes;
using CalendarDate = RecordsExchange.Protos.V1.CalendarDate;
using UpsertChargeRequest = RecordsExchange.Protos.V1.UpsertChargeRequest;

namespace RecordsExchange.Core.Tests;

/// <summary>The shipped table of Gov. Code 7282.5: what it holds, how it classifies a charge by its statute, and the README made from it.</summary>
public sealed class StatuteTableTests
{
    private static string Shipped(string name) => Path.Combine(AppContext.BaseDirectory, "policy", name);

    private static readonly StatuteTable Table = StatuteTable.LoadFile(Shipped("statutes/california-gc-7282.5.yaml"));

    [Fact]
    public void ShippedTable_HasEverySubparagraphAToAE_InTheStatutesOrder_AndEachOtherCircumstance()
    {
        string[] letters = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "AA", "AB", "AC", "AD", "AE"];

        Assert.Equal(letters, Table.Subparagraphs.Select(s => s.Letter));
        Assert.Equal(["(a)(1)", "(a)(2)", "(a)(3)", "(a)(4)", "(a)(5)", "(a)(6)", "(b)"], Table.Subdivisions.Select(s => s.Id));
        Assert.All(Table.Subparagraphs, s => Assert.False(string.IsNullOrWhiteSpace(s.Words)));
        // Only G and M are limited to felonies by the statute's words.
        Assert.Equal(["G", "M"], Table.Subparagraphs.Where(s => s.FelonyOnly).Select(s => s.Letter));
    }

    [Theory]
    [InlineData("PC 245(a)(1)", "A")]
    [InlineData("P.C. 245(a)(1)", "A")]
    [InlineData("Penal Code 422", "C")]
    [InlineData("PC 273a(a)", "E")]
    [InlineData("H&S 11352(a)", "M")]
    [InlineData("VC 23153(a)", "G")]
    [InlineData("PC 29800(a)(1)", "L")]
    [InlineData("PC 664/187(a)", "P")]
    [InlineData("PC 182(a)(1)/211", "P")]
    [InlineData("PC 245.6(d)", "Q")]
    [InlineData("PC 286(c)(2)(A)", "AA,AC")]
    [InlineData("PC 261(a)(2)", "AC")]
    [InlineData("PC 12022.5(a)", "K,R")]
    [InlineData("VC 20001(c)", "AE")]
    [InlineData("PC 26100(c)", "K")]          // named under (K); the run of (L) speaks only for sections the table does not name
    [InlineData("PC 664(a)/187", "P")]
    [InlineData("PC 182(a)(1)/HS 11352", "P")]
    [InlineData("PC 182 (a)(1) / H&S 11379.6(a)", "P")]
    [InlineData("PC 287(c)(2)(A)", "AC")]
    [InlineData("HS 11350(a)", "M")]
    public void Classify_ByStatuteAlone(string statute, string expected)
    {
        var result = Table.Classify(StatuteCitation.Parse(statute), label: null);

        Assert.Equal(expected.Split(','), result.Letters.Order(StatuteTable.LetterOrder.Instance));
        Assert.False(result.ByLabel);
        Assert.Null(result.Review);
    }

    [Theory]
    [InlineData("PC 245.6(a)")]     // only (d) of 245.6 is listed
    [InlineData("PC 286")]          // (c) and (d) are listed; a bare 286 does not say which
    [InlineData("PC 261(a)(4)")]    // (AC) lists (a)(2) and (a)(6)
    [InlineData("PC 664/602")]      // an attempt at an unlisted offense
    [InlineData("PC 415")]
    [InlineData("VC 20001(b)")]
    [InlineData("PC 4599")]         // below Part 6 (16000 to 34370)
    [InlineData("PC 34371")]        // past it
    [InlineData("PC 664/VC 23103(a)")]  // the target keeps its own code: VC 23103 is not listed (PC 23103 would fall in Part 6)
    [InlineData("PC 182(a)(1)/HS 11357")]
    public void Classify_StatuteTheTableDoesNotList_NoSubparagraph(string statute)
    {
        var result = Table.Classify(StatuteCitation.Parse(statute) ?? throw new ArgumentException(statute), label: null);

        Assert.Empty(result.Letters);
        Assert.Null(result.Review);
    }

    [Fact]
    public void Classify_LabelThatDisagreesWithTheStatute_TableDecidesAndTheChargeIsFlagged()
    {
        var result = Table.Classify(StatuteCitation.Parse("PC 245(a)(1)"), OffenseCategory.Theft);

        Assert.Equal(["A"], result.Letters);
        Assert.Equal("label theft disagrees with the table: PC 245(a)(1) is (a)(3)(A); the table decides", result.Review);
    }

    [Fact]
    public void Classify_PartSixSectionTheTableDoesNotName_CountsUnderLAndIsFlagged()
    {
        var result = Table.Classify(StatuteCitation.Parse("PC 26500(a)"), label: null);

        Assert.Equal(["L"], result.Letters);
        Assert.Equal("PC 26500(a) is found only in a run of sections the table names as a whole; the county confirms it is (a)(3)(L)", result.Review);
        Assert.Equal(["P"], Table.Classify(StatuteCitation.Parse("PC 664/26500(a)"), label: null).Letters);
        Assert.NotNull(Table.Classify(StatuteCitation.Parse("PC 664/26500(a)"), label: null).Review);
        Assert.Null(Table.Classify(StatuteCitation.Parse("PC 29800(a)(1)"), label: null).Review);
    }

    [Fact]
    public void Classify_AttemptLabeledAsTheOffenseAimedAt_NotFlagged()
    {
        var result = Table.Classify(StatuteCitation.Parse("PC 664/245(a)(1)"), OffenseCategory.Assault);

        Assert.Equal(["P"], result.Letters);
        Assert.Null(result.Review);
        Assert.NotNull(Table.Classify(StatuteCitation.Parse("PC 664/245(a)(1)"), OffenseCategory.Theft).Review);
    }

    [Fact]
    public void Classify_LabelThatAgrees_NotFlagged()
    {
        Assert.Null(Table.Classify(StatuteCitation.Parse("PC 459"), OffenseCategory.Burglary).Review);
        // A label that names no listed offense (traffic, public order) is no claim the table must confirm.
        Assert.Null(Table.Classify(StatuteCitation.Parse("PC 245(a)(1)"), OffenseCategory.PublicOrder).Review);
    }

    [Fact]
    public void Classify_UnlistedStatuteWithAListedLabel_CountsByTheLabelAndIsFlagged()
    {
        var result = Table.Classify(StatuteCitation.Parse("PC 415"), OffenseCategory.Assault);

        Assert.Equal(["A"], result.Letters);
        Assert.True(result.ByLabel);
        Assert.Equal("PC 415 is not in the table; counted as (a)(3)(A) by its label assault alone", result.Review);
    }

    [Theory]
    [InlineData("8 USC 1326(b)(2)", "8 USC", "1326", "(b)(2)")]
    [InlineData("18 U.S.C. 922(g)", "18 USC", "922", "(g)")]
    [InlineData("PC 182(a)(1)/211", "PC", "182(a)(1)/211", "")]
    [InlineData("hs 11352 (a)", "HS", "11352", "(a)")]
    [InlineData("PC 664 (a) / 187", "PC", "664(a)/187", "")]
    [InlineData("PC 182(a)(1)/H&S 11352(a)", "PC", "182(a)(1)/HS 11352", "(a)")]
    [InlineData("PC 664/PC 187", "PC", "664/187", "")]
    [InlineData("PC 0246", "PC", "246", "")]
    [InlineData("08 USC 1326", "8 USC", "1326", "")]
    public void Citation_Parse(string text, string code, string section, string subdivision)
    {
        Assert.Equal(new StatuteCitation(code, section, subdivision), StatuteCitation.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("245")]
    [InlineData("PC")]
    [InlineData("PC 245(a")]
    [InlineData("PC 245; DROP TABLE")]
    public void Citation_NotAStatute_Null(string text) => Assert.Null(StatuteCitation.Parse(text));

    [Theory]
    [InlineData("PC", "286", "\t(c) ", "PC 286(c)")]
    [InlineData("8 USC", "1326", "(b)(2)", "8 USC 1326(b)(2)")]
    [InlineData("18 U.S.C.", "922", "(g)", "18 USC 922(g)")]
    [InlineData("Penal Code", "664/187", "(a)", "PC 664/187(a)")]
    public void Citation_FromParts_Normalized(string code, string section, string subdivision, string expected) =>
        Assert.Equal(expected, StatuteCitation.FromParts(code, section, subdivision)?.ToString());

    [Theory]
    [InlineData("PC", "245(a)", "")]     // a section that carries its subdivision
    [InlineData("PC 245", "1", "")]      // a code that carries a section
    [InlineData("USC", "1326", "")]      // a federal code without its title
    [InlineData("XUSC", "1326", "")]
    [InlineData("PC 664/", "187", "")]   // a code that carries half of an attempt
    public void Citation_FromParts_PartHoldingAnotherOrNoTitle_Refused(string code, string section, string subdivision)
    {
        var citation = StatuteCitation.FromParts(code, section, subdivision);

        Assert.True(citation is null || !citation.Federal, citation?.ToString());
    }

    [Fact]
    public void Citation_HostileText_RefusedWithoutReadingIt()
    {
        // Once a pattern that backtracked on runs of spaces: 16,000 of them took seconds to refuse.
        Assert.Null(StatuteCitation.Parse("PC" + new string(' ', 16_000) + "x"));
        Assert.Null(StatuteCitation.FromParts("PC" + new string(' ', 16_000), "x", ""));
    }

    [Fact]
    public void Classify_UnreadableStatuteWithoutALabel_CountsForNothingAndIsFlagged()
    {
        var result = Table.Classify(StatuteCitation.Parse("see booking sheet"), label: null);

        Assert.Empty(result.Letters);
        Assert.StartsWith("its statute cannot be read as a citation", result.Review);
    }

    [Fact]
    public void IngestValidator_StatuteTextWithoutTheSubdivisionOfItsParts_Accepted_AnotherStatute_Refused()
    {
        UpsertChargeRequest Request(string text) => new()
        {
            EventId = "ev-1", ChargeId = "C-1", CountyPersonNumber = "P-1", Statute = text, Description = "d", Level = Protos.V1.OffenseLevel.Felony,
            OffenseDate = new CalendarDate { Year = 2024, Month = 1, Day = 1 },
            StatuteCitation = new Protos.V1.StatuteCitation { Code = "PC", Section = "245", Subdivision = "(a)(1)" },
        };

        IngestValidator.Validate(Request("PC 245"));
        IngestValidator.Validate(Request("Assault with a deadly weapon"));
        var refused = Assert.Throws<RequestValidationException>(() => IngestValidator.Validate(Request("PC 245(b)")));
        Assert.Equal("statute", Assert.Single(refused.Violations).Field);
    }

    [Fact]
    public void Charge_ClassifiedAgain_WhenItsStatuteChanges()
    {
        var charge = new Charge { Statute = "PC 245(a)(1)", Description = "" };
        Assert.Equal(["A"], charge.ClassifiedBy(Table).Letters);

        charge.Statute = "PC 646.9(a)";

        Assert.Equal(["Z"], charge.ClassifiedBy(Table).Letters);
    }

    [Fact]
    public void Readme_CaliforniaSection_IsTheTextGeneratedFromTheTable()
    {
        var policy = PolicyLoader.LoadFile(Shipped("california.yaml"));
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "RecordsExchange.sln")))
        {
            root = root.Parent;
        }
        var readme = File.ReadAllText(Path.Combine(root!.FullName, "README.md")).ReplaceLineEndings("\n");

        // Regenerate with: rx policy statutes policy/california.yaml --markdown, between the two markers.
        var begin = readme.IndexOf("<!-- statutes:begin -->\n", StringComparison.Ordinal);
        var end = readme.IndexOf("<!-- statutes:end -->", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "README.md has no <!-- statutes:begin --> … <!-- statutes:end --> section");
        Assert.Equal(StatuteMarkdown.Render(policy), readme[(begin + "<!-- statutes:begin -->\n".Length)..end]);
        Assert.DoesNotContain(readme.Split("\n\n"), paragraph => paragraph.Contains("7282.5", StringComparison.Ordinal) && paragraph.Contains("not model", StringComparison.OrdinalIgnoreCase));
    }
}
