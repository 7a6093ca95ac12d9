using System.Globalization;
using ELicense.V1;

namespace ELicense.Inspector.Localization;

/// <summary>
/// Every word the handheld console and the holder's screen show, English and Chinese side by side, so
/// that a translator reads both at once and a missing translation is a compile error. Machine-readable
/// output (CSV, JSON) stays in English codes whatever the language.
/// </summary>
public sealed partial class UiText
{
    private UiText(Language language) => Language = language;

    /// <summary>The English texts.</summary>
    public static UiText English { get; } = new(Language.English);

    /// <summary>The Chinese texts.</summary>
    public static UiText Chinese { get; } = new(Language.Chinese);

    /// <summary>The language these texts are in.</summary>
    public Language Language { get; }

    /// <summary>The texts for <paramref name="language"/>.</summary>
    public static UiText For(Language language) => language == Language.Chinese ? Chinese : English;

    // ── Header ────────────────────────────────────────────────────────────────────────────────────
    public string AppTitle => T("ELicense roadside inspector", "电子驾驶证 路面查验终端");
    public string Officer => T("officer", "警员");
    public string Device => T("device", "设备");
    public string Online => T("ONLINE", "在线");
    public string Offline => T("OFFLINE", "离线");
    public string OfflineForced => T("OFFLINE (--offline)", "离线（手动）");
    public string Connecting => T("CONNECTING", "连接中");
    public string RoundTrip => T("RTT", "往返");
    public string KeysFetched => T("keys", "密钥");
    public string NoKeysCached => T("no keys cached", "无缓存密钥");
    public string Queued => T("queued", "待同步");

    // ── Panels and keys ───────────────────────────────────────────────────────────────────────────
    public string ResultTitle => T("Last result", "最近结果");
    public string HistoryTitle => T("Shift history", "本班记录");
    public string NothingYet => T("Scan a QR code, or enter an image path, a licence number or a plate.", "请扫描二维码，或输入图片路径、驾驶证号、号牌。");
    public string NoHistory => T("no checks yet", "暂无记录");
    public string KeyVehicle => T("vehicle", "查车辆");
    public string KeyViolations => T("violations", "违法记录");
    public string KeyTransfer => T("transfer", "过户检查");
    public string KeyNewScan => T("new scan", "新扫描");
    public string KeySync => T("sync", "同步");
    public string KeyExport => T("export CSV", "导出CSV");
    public string KeyQuit => T("quit", "退出");
    public string ScanPrompt => T("Scan / image path / licence no. / plate", "扫码／图片路径／证号／号牌");
    public string PlatePrompt => T("Plate, type optional (京A12345 02)", "号牌，可加种类（京A12345 02）");
    public string PurposePrompt => T(
        "Purpose: 1 roadside check · 2 violation handling · 3 transfer registration · 4 qualification proof · 5 other public service",
        "查询事由：1 路面查验 · 2 违法处理 · 3 二手车异地交易登记 · 4 驾驶资质证明 · 5 其他公共服务");
    public string ExportPrompt => T("Export the shift history to (Enter for the default)", "导出本班记录到（回车用默认路径）");

    // ── Verdict banners ───────────────────────────────────────────────────────────────────────────
    public string Valid => T("VALID", "有效");
    public string NotValid => T("NOT VALID", "无效");
    public string Unconfirmed => T("NOT CONFIRMED", "无法确认");
    public string VehicleOk => T("VEHICLE OK", "车辆正常");
    public string VehicleNotOk => T("VEHICLE NOT OK", "车辆异常");
    public string Eligible => T("TRANSFER ELIGIBLE", "可以过户");
    public string NotEligible => T("TRANSFER NOT ELIGIBLE", "不可过户");
    public string OfflineLabel => T("OFFLINE — live status not checked", "离线 — 未核验实时状态");
    public string OfflineReplayUnchecked => T(
        "signature and expiry checked on this device only; reuse of the code elsewhere is not checked",
        "仅在本机核验签名和有效时间；未检查此码是否在别处使用");
    public string QueuedForSync => T("queued: re-checked online when the connection returns", "已排队：恢复连接后自动在线复核");

    // ── Warnings ──────────────────────────────────────────────────────────────────────────────────
    public string RepeatScan(string time) => T($"already checked by this device at {time}", $"本设备已于 {time} 查验过此码");
    public string OfflineRepeat(string time) => T($"already checked on this device at {time}", $"本设备已于 {time} 查验过此码");
    public string RefusedEarlier(string time) => T(
        $"the server refused this code at {time}; the offline check cannot overrule it",
        $"服务器已于 {time} 拒绝此码；离线查验不能推翻该结论");
    public string StaleData(string age) => T($"licence data is STALE (registry unreachable), {age} old", $"驾驶证数据非实时（登记系统不可达），已过 {age}");
    public string StaleVehicle(string age) => T($"vehicle data is STALE (registry unreachable), {age} old", $"车辆数据非实时（登记系统不可达），已过 {age}");
    public string LocalReplayOnly => T("replay check was local to one server only", "重放检查仅限单台服务器");
    public string IncompleteReplayCheck => T(
        "replay check not authoritative: the shared record may have lost scans, a reuse may not be caught",
        "重放检查不具权威性：共享记录可能丢失扫描，无法确保发现重复使用");
    public string FirstScannedAt(string time) => T($"first scanned at {time}", $"首次扫描于 {time}");
    public string ServerSays(string message) => T($"server: {message}", $"服务器：{message}");

    // ── Card ──────────────────────────────────────────────────────────────────────────────────────
    public string LicenceCard => T("Driving licence", "驾驶证");
    public string SnapshotCard => T("Signed snapshot (at issue, not live)", "签名快照（签发时，非实时）");
    public string Holder => T("Holder", "持证人");
    public string LicenceNumber => T("Licence no.", "证号");
    public string Class => T("Class", "准驾车型");
    public string Entitles => T("May drive", "可驾驶");
    public string Status => T("Status", "状态");
    public string StatusAtIssue => T("Status at issue", "签发时状态");
    public string Validity => T("Validity", "有效期");
    public string Points => T("Points", "记分");
    public string Probation => T("Probation", "实习期");
    public string Violations => T("Unprocessed violations", "未处理违法");
    public string Freshness => T("Freshness", "数据时效");
    public string IssuedBy => T("Issued by", "发证机关");
    public string Credential => T("Credential", "电子凭证");
    public string Purpose => T("Purpose", "查询事由");
    public string LongTerm => T("long-term", "长期");
    public string Unknown => T("unknown", "未知");
    public string NotInSnapshot => T("not in the signed snapshot", "快照中无此项");
    public string WithheldForRole => T("withheld for this role", "本角色无权查看");
    public string MaskedForRole => T("masked for this role", "本角色仅见部分");
    public string None => T("none", "无");
    public string Yes => T("yes", "是");
    public string No => T("no", "否");
    public string ProbationUntil(string date) => T($"yes, until {date}", $"是，至 {date}");
    public string ViolationTotals(int count, int points, long fine) => T(
        string.Create(CultureInfo.InvariantCulture, $"{count} ({points} points, ¥{fine})"),
        string.Create(CultureInfo.InvariantCulture, $"{count} 起（{points} 分，罚款 ¥{fine}）"));
    public string FreshnessLine(string source, string asOf, string age) => T($"{source}, as of {asOf}, {age} old", $"{source}，数据时间 {asOf}，已过 {age}");
    /// <summary>How a cached answer's changes arrive and how far behind it may be; empty for a registry read.</summary>
    public string FreshnessBound(InvalidationPath path, string maxLag) => path switch
    {
        InvalidationPath.Live => T($"live updates, ≤{maxLag} behind", $"实时更新，滞后≤{maxLag}"),
        InvalidationPath.FeedOnly => T($"live updates DOWN, ≤{maxLag} behind", $"实时更新中断，滞后≤{maxLag}"),
        InvalidationPath.None => T($"NO updates arriving, ≤{maxLag} behind", $"未收到更新，滞后≤{maxLag}"),
        _ => "",
    };
    public string WithBound(string line, string bound) => T($"{line}; {bound}", $"{line}；{bound}");
    public string OfflineFreshness(string issued) => T($"signed snapshot issued {issued}; live status not checked", $"签名快照签发于 {issued}；未核验实时状态");
    public string CredentialLine(string token, string expires) => T($"token {token} · expires {expires}", $"令牌 {token} · {expires} 失效");
    public string WithReason(string headline, string reason) => T($"{headline}: {reason}", $"{headline}：{reason}");
    public string Lookup => T("lookup by number", "按证号查询");

    private string T(string english, string chinese) => Language == Language.Chinese ? chinese : english;
}
