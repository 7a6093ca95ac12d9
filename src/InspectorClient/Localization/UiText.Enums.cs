using ELicense.V1;

namespace ELicense.Inspector.Localization;

// The contract's enums in words.
public sealed partial class UiText
{
    // ── Contract enums ────────────────────────────────────────────────────────────────────────────
    /// <summary>Why a verdict is not a pass, in words.</summary>
    public string Describe(Verdict verdict) => verdict switch
    {
        Verdict.Valid => T("valid", "有效"),
        Verdict.LicenseNotValid => T("licence not valid", "驾驶证状态不正常"),
        Verdict.LicenseNotFound => T("licence not found in the registry", "登记系统中无此驾驶证"),
        Verdict.SignatureInvalid => T("signature invalid: forged or altered code", "签名无效：伪造或篡改的码"),
        Verdict.UnknownKey => T("signed with an unknown or retired key", "签发密钥未知或已停用"),
        Verdict.CredentialExpired => T("code expired: ask the holder to refresh it", "码已过期：请持证人刷新"),
        Verdict.Replayed => T("already presented on another device (copy or screenshot)", "此码已在其他设备出示（复制或截图）"),
        Verdict.Malformed => T("not an electronic driving licence code", "不是电子驾驶证二维码"),
        Verdict.CredentialNotYetValid => T("code issued in the future: check the device clock", "码的签发时间在未来：请检查设备时钟"),
        Verdict.StatusUnavailable => T("licence status unavailable: check again or use the card", "无法获取驾驶证状态：请重试或查验实体证"),
        _ => T("unknown verdict", "未知结论"),
    };

    /// <summary>A licence status in words, with its one-letter code.</summary>
    public string Describe(LicenseStatus status) => status switch
    {
        LicenseStatus.Normal => T("normal (A)", "正常 (A)"),
        LicenseStatus.PointsExceeded => T("points exceeded (B)", "超分 (B)"),
        LicenseStatus.Suspended => T("suspended (D)", "暂扣 (D)"),
        LicenseStatus.Revoked => T("revoked (F)", "吊销 (F)"),
        LicenseStatus.Cancelled => T("cancelled (G)", "注销 (G)"),
        LicenseStatus.RenewalOverdue => T("renewal overdue (M)", "逾期未换证 (M)"),
        LicenseStatus.ReviewOverdue => T("review overdue (S)", "逾期未审验 (S)"),
        _ => T("unknown status", "未知状态"),
    };

    /// <summary>A not-valid reason in words; STATUS names the status.</summary>
    public string Describe(NotValidReason reason, LicenseStatus status) => reason switch
    {
        NotValidReason.Status when status is not (LicenseStatus.Unspecified or LicenseStatus.Normal) =>
            T($"licence {Describe(status)}", $"驾驶证{Describe(status)}"),
        NotValidReason.Status => T("licence status is not normal", "驾驶证状态不正常"),
        NotValidReason.NotYetValid => T("validity period has not started", "有效期尚未开始"),
        NotValidReason.ValidityExpired => T("validity period has ended", "已超过有效期"),
        NotValidReason.PointsExceeded => T("12 or more points in the current cycle", "本记分周期已满 12 分"),
        _ => T("unspecified reason", "未说明的原因"),
    };

    /// <summary>A vehicle status in words.</summary>
    public string Describe(VehicleStatus status) => status switch
    {
        VehicleStatus.Normal => T("normal", "正常"),
        VehicleStatus.TransferredOut => T("transferred out", "转出"),
        VehicleStatus.Stolen => T("reported stolen", "被盗抢"),
        VehicleStatus.Cancelled => T("registration cancelled", "注销"),
        VehicleStatus.Seized => T("seized", "查封"),
        VehicleStatus.Mortgaged => T("mortgaged", "抵押"),
        VehicleStatus.UnprocessedAccident => T("unprocessed accident", "事故未处理"),
        _ => T("unspecified", "未说明"),
    };

    /// <summary>A transfer block in words.</summary>
    public string Describe(TransferBlockReason reason) => reason switch
    {
        TransferBlockReason.UnprocessedViolations => T("unprocessed violations on the plate", "有未处理的违法记录"),
        TransferBlockReason.UnprocessedAccident => T("unprocessed accident", "有未处理的事故"),
        TransferBlockReason.Mortgaged => T("registered mortgage", "已办理抵押登记"),
        TransferBlockReason.Seized => T("seized", "已被查封"),
        TransferBlockReason.InspectionExpired => T("inspection mark expired", "检验合格标志已过期"),
        TransferBlockReason.InsuranceExpired => T("compulsory insurance expired", "交强险已过期"),
        TransferBlockReason.Stolen => T("reported stolen", "被盗抢"),
        TransferBlockReason.Cancelled => T("registration cancelled", "已注销"),
        TransferBlockReason.TransferredOut => T("already transferred out", "已转出"),
        TransferBlockReason.DataStale => T("registry unreachable, only stale data (never granted on stale data)", "登记系统不可达，仅有非实时数据（不据此准许过户）"),
        TransferBlockReason.MarkNotGenuine => T("the presented inspection mark is not genuine or not this vehicle's", "所出示的检验标志非真实或不属于该车"),
        _ => T("unspecified reason", "未说明的原因"),
    };

    /// <summary>A violation state in words.</summary>
    public string Describe(ViolationState state) => state switch
    {
        ViolationState.Unprocessed => T("unprocessed", "未处理"),
        ViolationState.Processed => T("processed", "已处理"),
        ViolationState.Paid => T("paid", "已缴款"),
        _ => T("unspecified", "未说明"),
    };

    /// <summary>Where data came from.</summary>
    public string Describe(DataSource source) => source switch
    {
        DataSource.Memory => T("server memory", "服务器内存"),
        DataSource.Redis => T("shared cache", "共享缓存"),
        DataSource.Registry => T("registry", "登记系统"),
        _ => T("unknown source", "未知来源"),
    };

    /// <summary>A plate type with its two-digit code.</summary>
    public string Describe(PlateType type) => type switch
    {
        PlateType.Large => T("01 large", "01 大型汽车"),
        PlateType.Small => T("02 small", "02 小型汽车"),
        PlateType.Motorcycle => T("07 motorcycle", "07 普通摩托车"),
        PlateType.LightMotorcycle => T("08 light motorcycle", "08 轻便摩托车"),
        PlateType.LargeNewEnergy => T("51 large new-energy", "51 大型新能源汽车"),
        PlateType.SmallNewEnergy => T("52 small new-energy", "52 小型新能源汽车"),
        _ => T("unspecified", "未说明"),
    };

    /// <summary>A lookup purpose.</summary>
    public string Describe(LookupPurpose purpose) => purpose switch
    {
        LookupPurpose.RoadsideCheck => T("roadside check", "路面查验"),
        LookupPurpose.ViolationHandling => T("violation handling", "违法处理"),
        LookupPurpose.TransferRegistration => T("transfer registration", "二手车异地交易登记"),
        LookupPurpose.QualificationProof => T("qualification proof", "驾驶资质证明"),
        LookupPurpose.OtherPublicService => T("other public service", "其他公共服务"),
        _ => T("not given", "未填写"),
    };

    /// <summary>A permitted-vehicle class (准驾车型) in words, null for an unknown code.</summary>
    public string? DescribeClass(string code) => code switch
    {
        "A1" => T("large bus", "大型客车"),
        "A2" => T("tractor-trailer", "牵引车"),
        "A3" => T("city bus", "城市公交车"),
        "B1" => T("medium bus", "中型客车"),
        "B2" => T("large truck", "大型货车"),
        "C1" => T("small car", "小型汽车"),
        "C2" => T("small automatic car", "小型自动挡汽车"),
        "C3" => T("low-speed truck", "低速载货汽车"),
        "C4" => T("three-wheeled car", "三轮汽车"),
        "C5" => T("car for disabled drivers", "残疾人专用小型自动挡载客汽车"),
        "C6" => T("light tractor-trailer", "轻型牵引挂车"),
        "D" => T("three-wheeled motorcycle", "普通三轮摩托车"),
        "E" => T("two-wheeled motorcycle", "普通二轮摩托车"),
        "F" => T("light motorcycle", "轻便摩托车"),
        "M" => T("wheeled machinery", "轮式自行机械车"),
        "N" => T("trolleybus", "无轨电车"),
        "P" => T("tram", "有轨电车"),
        _ => null,
    };
}
