using System.Reflection;
using ELicense.Inspector.Handheld;
using ELicense.Inspector.Localization;
using ELicense.V1;
using ELicense.Core.Rules;

namespace ELicense.Inspector.Tests.Localization;

public sealed class LanguageTests
{
    [Theory]
    [InlineData("zh", Language.Chinese)]
    [InlineData("zh_CN.UTF-8", Language.Chinese)]
    [InlineData("ZH-tw", Language.Chinese)]
    [InlineData("en", Language.English)]
    [InlineData("en_US.UTF-8", Language.English)]
    public void TryParse_LocaleNames_GiveTheLanguage(string text, Language expected)
    {
        Assert.True(Languages.TryParse(text, out var language));
        Assert.Equal(expected, language);
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_OtherLanguages_Fail(string? text)
    {
        Assert.False(Languages.TryParse(text, out _));
    }

    [Theory]
    [InlineData("zh_CN.UTF-8", null, "en_US.UTF-8", Language.Chinese)]   // LC_ALL wins
    [InlineData(null, "zh_CN.UTF-8", "en_US.UTF-8", Language.Chinese)]   // then LC_MESSAGES
    [InlineData(null, null, "zh_CN.UTF-8", Language.Chinese)]            // then LANG
    [InlineData("C", null, "zh_CN.UTF-8", Language.English)]             // a set LC_ALL decides even when not Chinese
    [InlineData(null, null, null, Language.English)]
    public void FromEnvironment_PosixPrecedence_Decides(string? lcAll, string? lcMessages, string? lang, Language expected)
    {
        var variables = new Dictionary<string, string?> { ["LC_ALL"] = lcAll, ["LC_MESSAGES"] = lcMessages, ["LANG"] = lang };

        Assert.Equal(expected, Languages.FromEnvironment(name => variables.GetValueOrDefault(name)));
    }

    [Fact]
    public void Resolve_OptionGiven_OverridesEnvironment()
    {
        Assert.Equal(Language.English, Languages.Resolve("en", _ => "zh_CN.UTF-8"));
        Assert.Equal(Language.Chinese, Languages.Resolve(null, _ => "zh_CN.UTF-8"));
    }

    public static TheoryData<string> TextProperties() =>
        new(typeof(UiText).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.PropertyType == typeof(string)).Select(p => p.Name));

    [Theory]
    [MemberData(nameof(TextProperties))]
    public void UiText_EveryString_IsTranslated(string property)
    {
        var info = typeof(UiText).GetProperty(property)!;
        var english = (string)info.GetValue(UiText.English)!;
        var chinese = (string)info.GetValue(UiText.Chinese)!;

        Assert.False(string.IsNullOrWhiteSpace(english));
        Assert.False(string.IsNullOrWhiteSpace(chinese));
        Assert.NotEqual(english, chinese);
    }

    [Fact]
    public void UiText_EveryContractEnumValue_HasWordsInBothLanguages()
    {
        foreach (var text in new[] { UiText.English, UiText.Chinese })
        {
            var unknown = new[] { text.Describe((Verdict)999), text.Describe((LicenseStatus)999), text.Describe((VehicleStatus)999), text.Describe((TransferBlockReason)999) };
            foreach (var verdict in Enum.GetValues<Verdict>().Where(v => v != Verdict.Unspecified))
            {
                Assert.DoesNotContain(text.Describe(verdict), unknown);
            }

            foreach (var status in Enum.GetValues<LicenseStatus>().Where(v => v != LicenseStatus.Unspecified))
            {
                Assert.DoesNotContain(text.Describe(status), unknown);
            }

            foreach (var status in Enum.GetValues<VehicleStatus>().Where(v => v != VehicleStatus.Unspecified))
            {
                Assert.DoesNotContain(text.Describe(status), unknown);
            }

            foreach (var reason in Enum.GetValues<TransferBlockReason>().Where(v => v != TransferBlockReason.Unspecified))
            {
                Assert.DoesNotContain(text.Describe(reason), unknown);
            }

            foreach (var verdict in Enum.GetValues<VehicleVerdict>().Where(v => v != VehicleVerdict.Unspecified))
            {
                Assert.NotEqual(text.Describe((VehicleVerdict)999), text.Describe(verdict));
            }

            foreach (var reason in Enum.GetValues<VehicleNotValidReason>().Where(v => v != VehicleNotValidReason.Unspecified))
            {
                Assert.NotEqual(text.Describe((VehicleNotValidReason)999), text.Describe(reason));
            }

            foreach (var reason in Enum.GetValues<EntitlementReason>().Where(v => v != EntitlementReason.Unspecified))
            {
                Assert.NotEqual(text.Describe((EntitlementReason)999), text.Describe(reason));
            }

            foreach (var kind in Enum.GetValues<CheckKind>())
            {
                // Every kind has its own word: a new kind without one would fall back to the generic "check".
                Assert.False(string.IsNullOrWhiteSpace(kind.Describe(text)));
                Assert.NotEqual(text.KindOther, kind.Describe(text));
            }

            foreach (var code in ELicense.Core.Rules.LicenseClasses.All)
            {
                Assert.NotNull(text.DescribeClass(code));
            }
        }
    }

    [Fact]
    public void UiText_ChineseWords_AreChinese()
    {
        Assert.Equal("有效", UiText.Chinese.Valid);
        Assert.Equal("无效", UiText.Chinese.NotValid);
        Assert.Equal("吊销 (F)", UiText.Chinese.Describe(LicenseStatus.Revoked));
        Assert.Equal("小型汽车", UiText.Chinese.DescribeClass("C1"));
    }
}
