using ELicense.V1;

namespace ELicense.Inspector.Localization;

// The inspection mark and the roadside card (driver, vehicle and the match in one answer).
public sealed partial class UiText
{
    // ── Roadside card ─────────────────────────────────────────────────────────────────────────────
    public string MayDrive => T("MAY DRIVE", "准予驾驶");
    public string MayNotDrive => T("MAY NOT DRIVE", "不得驾驶");
    public string LicencePart => T("Licence", "驾驶证");
    public string VehiclePart => T("Vehicle", "车辆");
    public string MatchPart => T("Match", "准驾车型");
    public string OfflineRoadsideLabel => T(
        "OFFLINE: both codes' signatures and validity checked here; live status not checked",
        "离线：已在本机核验两码签名与有效期；未核验实时状态");
    public string MarkCard => T("Inspection mark (signed, not live)", "电子检验标志（签名，非实时）");
    public string MarkNumber => T("Mark no.", "标志编号");
    public string MarkOffice => T("Issuing office", "发证车管所");
    public string ScanMarkHint => T(
        "next: scan the inspection mark (or press V for the plate) to check the match",
        "下一步：扫描电子检验标志（或按 V 输入号牌）核对准驾车型");
    public string ScanLicenceHint => T("next: scan the driver's licence to check the match", "下一步：扫描驾驶人电子驾驶证核对准驾车型");
    public string PlateNeedsServer => T(
        "offline: a vehicle named by plate needs the server; scan its inspection mark instead",
        "离线：按号牌查车需要连接服务器；请改为扫描电子检验标志");
    public string MarkOfflineFreshness(string issued) => T($"signed mark issued {issued}; live status not checked", $"签名标志签发于 {issued}；未核验实时状态");
    public string Needs(string needed, string held) => T($"needs {needed}, holds {held}", $"需 {needed}，准驾 {held}");
    public string SignedAt(string time) => T($"signed {time}", $"签发于 {time}");
    public string NotKnownOffline => T("not known offline", "离线无法获知");
    public string KindMark => T("mark", "检验标志");
    public string KindRoadside => T("roadside", "人车核查");

    /// <summary>A vehicle verdict in words.</summary>
    public string Describe(VehicleVerdict verdict) => verdict switch
    {
        VehicleVerdict.Valid => T("vehicle in order", "车辆正常"),
        VehicleVerdict.NotValid => T("vehicle may not be driven", "车辆不得上路"),
        VehicleVerdict.NotFound => T("vehicle not found in the registry", "登记系统中无此车辆"),
        VehicleVerdict.SignatureInvalid => T("mark signature invalid: forged or altered", "检验标志签名无效：伪造或篡改"),
        VehicleVerdict.UnknownKey => T("mark signed with an unknown or retired key", "检验标志签发密钥未知或已停用"),
        VehicleVerdict.MarkExpired => T("inspection mark expired", "检验标志已过期"),
        VehicleVerdict.Malformed => T("not an electronic inspection mark", "不是电子检验标志"),
        VehicleVerdict.MarkNotYetValid => T("mark issued in the future: check the device clock", "检验标志签发时间在未来：请检查设备时钟"),
        VehicleVerdict.StatusUnavailable => T("vehicle status unavailable: check again or look the plate up", "无法获取车辆状态：请重试或按号牌查询"),
        _ => T("unknown vehicle verdict", "未知车辆结论"),
    };

    /// <summary>Why a vehicle may not be driven, in words.</summary>
    public string Describe(VehicleNotValidReason reason) => reason switch
    {
        VehicleNotValidReason.Stolen => T("reported stolen", "被盗抢"),
        VehicleNotValidReason.Seized => T("seized", "被查封"),
        VehicleNotValidReason.Cancelled => T("registration cancelled", "已注销"),
        VehicleNotValidReason.TransferredOut => T("transferred out", "已转出"),
        VehicleNotValidReason.InspectionExpired => T("inspection expired", "检验已过期"),
        VehicleNotValidReason.InsuranceExpired => T("compulsory insurance lapsed", "交强险已过期"),
        VehicleNotValidReason.InspectionRevoked => T("inspection revoked or shortened since the mark was issued", "标志签发后检验被撤销或缩短"),
        VehicleNotValidReason.MarkMismatch => T("the mark is not this plate's registered vehicle", "检验标志与该号牌登记车辆不符"),
        _ => T("unspecified reason", "未说明的原因"),
    };

    /// <summary>A class-versus-vehicle match in words.</summary>
    public string Describe(EntitlementReason reason) => reason switch
    {
        EntitlementReason.Entitled => T("licence class entitles", "准驾车型相符"),
        EntitlementReason.ClassDoesNotCoverVehicle => T("class does not cover this vehicle", "准驾车型不符"),
        EntitlementReason.AutomaticOnly => T("licence covers only the automatic variant", "仅准驾自动挡车型"),
        EntitlementReason.UnknownVehicleType => T("vehicle type unknown: entitlement not granted", "车辆类型未知：不予认定"),
        EntitlementReason.NoLicenseClass => T("licence names no recognised class", "驾驶证无可识别的准驾车型"),
        EntitlementReason.NotDetermined => T("match not determined: licence or vehicle not established", "无法判定：驾驶证或车辆未确认"),
        _ => T("unknown match", "未知匹配结果"),
    };
}
