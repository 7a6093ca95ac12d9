using System.Globalization;
using ELicense.V1;
using ELicense.Core.Identifiers;

namespace ELicense.Inspector.Localization;

/// <summary>
/// Every word the handheld console and the holder's screen show, English and Chinese side by side, so
/// that a translator reads both at once and a missing translation is a compile error. Machine-readable
/// output (CSV, JSON) stays in English codes whatever the language.
/// </summary>
public sealed class UiText
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

    // ── Vehicle, transfer and violations ──────────────────────────────────────────────────────────
    public string VehicleCard => T("Vehicle", "车辆");
    public string Plate => T("Plate", "号牌");
    public string Vin => T("VIN", "车辆识别代号");
    public string Owner => T("Owner", "所有人");
    public string Model => T("Model", "品牌型号");
    public string Inspection => T("Inspection valid until", "检验有效期至");
    public string Insurance => T("Insurance valid until", "交强险有效期至");
    public string Normal => T("normal", "正常");
    public string ViolationsTitle(string subject) => T($"Violations of {subject}", $"{subject} 的违法记录");
    public string Time => T("Time", "时间");
    public string Place => T("Place", "地点");
    public string Offence => T("Offence", "违法行为");
    public string Fine => T("Fine ¥", "罚款 ¥");
    public string State => T("State", "状态");
    public string NoViolations => T("no violations", "无违法记录");
    public string MorePages => T("more on further pages (use `inspector violations`)", "还有更多（请用 `inspector violations` 翻页）");

    // ── History ───────────────────────────────────────────────────────────────────────────────────
    public string Check => T("Check", "查验");
    public string Subject => T("Subject", "对象");
    public string Result => T("Result", "结果");
    public string Mode => T("Mode", "方式");
    public string KindScan => T("scan", "扫码");
    public string KindLookup => T("lookup", "证号");
    public string KindVehicle => T("vehicle", "车辆");
    public string KindTransfer => T("transfer", "过户");
    public string KindViolations => T("violations", "违法");
    public string KindOther => T("check", "查验");
    public string ModeOnline => T("online", "在线");
    public string ModeOffline => T("offline", "离线");
    public string SyncPending => T("queued", "待同步");
    public string SyncConfirmed => T("confirmed", "已确认");
    public string SyncDiffers => T("DIFFERS", "不一致");
    public string SyncUnresolved => T("retry", "待重试");

    // ── Sync ──────────────────────────────────────────────────────────────────────────────────────
    public string SyncTitle => T("Queued offline checks re-verified online", "离线查验在线复核结果");
    public string SyncSummary(int total, int confirmed, int differs) => T(
        string.Create(CultureInfo.InvariantCulture, $"re-verified {total} queued check(s): {confirmed} confirmed, {differs} DIFFER"),
        string.Create(CultureInfo.InvariantCulture, $"已复核 {total} 条离线查验：{confirmed} 条一致，{differs} 条不一致"));
    public string OfflineAnswer => T("Offline answer", "离线结论");
    public string LiveAnswer => T("Live answer", "实时结论");
    public string DiffersNote => T("the live answer differs from what was shown offline: follow up", "实时结论与离线结论不一致：请跟进处理");
    public string ChangedAt(string time) => T($"registry record last changed {time}", $"登记记录最后变更于 {time}");
    public string ReplayedNote => T("the code was also presented on another device (possible screenshot)", "此码曾在其他设备出示（可能为截图）");

    // ── Messages ──────────────────────────────────────────────────────────────────────────────────
    public string Unrecognised => T(
        "not recognised: scan a QR code (EDL1:…), or give an image file, an 18-character licence number or a plate",
        "无法识别：请扫描二维码（EDL1:…），或输入图片文件、18位驾驶证号或号牌");
    public string NoQrInImage(string path) => T($"no QR code found in {path}", $"{path} 中未找到二维码");
    public string NotLicenceQr => T("the QR code is not an electronic driving licence", "此二维码不是电子驾驶证");
    public string ImageUnreadable(string path) => T($"cannot read the image {path}", $"无法读取图片 {path}");
    public string DecodedFrom(string path) => T($"decoded from {path}", $"已从 {path} 识别");
    public string NeedsConnection => T("this needs a connection to the server", "此操作需要连接服务器");
    public string NoKeysForOffline => T(
        "offline, and no issuer keys are cached: connect once so the handheld can fetch them",
        "离线且无缓存的签发密钥：请先联网一次以获取密钥");
    public string NoLicenceYet => T("scan or look up a licence first (or press V and enter a plate)", "请先扫码或查询驾驶证（或按 V 输入号牌）");
    public string PurposeRequired => T("a lookup by number needs a purpose (1-5); cancelled", "按证号查询须选择查询事由（1-5）；已取消");
    public string PlateInvalid => T("not a plate: e.g. 京A12345, or 沪AD12345 52", "号牌格式不对：如 京A12345 或 沪AD12345 52");
    public string Exported(string path) => T($"shift history exported to {path}", $"本班记录已导出到 {path}");
    public string NothingQueued => T("nothing queued", "没有待同步的查验");
    public string StillOffline => T("still offline: queued checks wait for the connection", "仍离线：待同步查验将在连接恢复后复核");
    public string Error => T("error", "错误");
    public string Cleared => T("ready for the next scan", "可以扫描下一个");
    public string ShiftEnded(int checks, int queued, string queuePath) => queued == 0
        ? T(string.Create(CultureInfo.InvariantCulture, $"shift ended: {checks} check(s)"), string.Create(CultureInfo.InvariantCulture, $"本班结束：共 {checks} 次查验"))
        : T(string.Create(CultureInfo.InvariantCulture, $"shift ended: {checks} check(s); {queued} offline check(s) still queued in {queuePath}, re-verified at the next online start"),
            string.Create(CultureInfo.InvariantCulture, $"本班结束：共 {checks} 次查验；{queued} 条离线查验仍在 {queuePath} 排队，下次联网启动时复核"));
    public string KeyCacheUnreadable(string path) => T(
        $"the issuer key cache {path} is unreadable and was not used; it is rewritten at the next connection",
        $"签发密钥缓存 {path} 无法读取，未使用；下次联网时重写");
    public string KeyCacheNotPrivate(string path) => T(
        $"the issuer key cache {path} or its folder can be changed by other users: not used for offline checks (chmod 700 the folder, 600 the file)",
        $"签发密钥缓存 {path} 或其目录可被其他用户修改：不用于离线查验（目录设为 700，文件设为 600）");
    public string KeyCacheOtherServer(string server) => T(
        $"the cached issuer keys come from {server}, not this server: not used until this server's are fetched",
        $"缓存的签发密钥来自 {server}，不是当前服务器：获取当前服务器的密钥前不使用");
    public string QueueNotSaved(string detail) => T(
        $"the offline queue could not be saved ({detail}); its checks are kept in memory and saved at the next change",
        $"离线队列无法保存（{detail}）；查验记录暂存内存，下次变更时保存");
    public string QueueUnreadable(string path) => T($"the offline queue {path} is unreadable; it was set aside", $"离线队列 {path} 无法读取，已另存");

    // ── Holder ────────────────────────────────────────────────────────────────────────────────────
    public string HolderTitle => T("Electronic driving licence — show this code to the officer", "电子驾驶证 — 请向民警出示此码");
    public string HolderRefresh(string refresh, string expires) => T($"refreshes at {refresh} · expires {expires}", $"{refresh} 自动刷新 · {expires} 失效");
    public string HolderExpires(string expires) => T($"expires {expires}", $"{expires} 失效");
    public string HolderCount(int shown, int? total) => total is { } n
        ? T(string.Create(CultureInfo.InvariantCulture, $"code {shown} of {n}"), string.Create(CultureInfo.InvariantCulture, $"第 {shown}/{n} 个码"))
        : T(string.Create(CultureInfo.InvariantCulture, $"code {shown} · Ctrl+C to stop"), string.Create(CultureInfo.InvariantCulture, $"第 {shown} 个码 · 按 Ctrl+C 退出"));
    public string PngWritten(string path) => T($"PNG written to {path}", $"PNG 已写入 {path}");

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

    private string T(string english, string chinese) => Language == Language.Chinese ? chinese : english;
}
