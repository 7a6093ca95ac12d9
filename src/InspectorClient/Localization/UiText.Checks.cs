using System.Globalization;

namespace ELicense.Inspector.Localization;

// The follow-up checks, the shift history, sync, footer messages and the holder's screen.
public sealed partial class UiText
{
    // ── Vehicle, transfer and violations ──────────────────────────────────────────────────────────
    public string VehicleCard => T("Vehicle", "车辆");
    public string Plate => T("Plate", "号牌");
    public string Vin => T("VIN", "车辆识别代号");
    public string Owner => T("Owner", "所有人");
    public string Model => T("Model", "品牌型号");
    public string VehicleType => T("Vehicle type", "车辆类型");

    /// <summary>A vehicle type code with its name in this language; an empty code (records from before the field) says so.</summary>
    public string DescribeVehicleType(string code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return T("not recorded", "未登记");
        }

        // The handheld knows the default table; a server with its own may send a code it lacks: shown as is.
        return Core.Rules.VehicleTypeCatalog.Default.Find(code) is { } type
            ? $"{type.Code} {T(type.NameEn, type.NameZh)}"
            : $"{code} {T("(not in this device's table)", "（本机车型表中没有）")}";
    }
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
        "not recognised: scan a QR code (EDL1:… licence, EVM1:… inspection mark), or give an image file, an 18-character licence number or a plate",
        "无法识别：请扫描二维码（EDL1:… 驾驶证，EVM1:… 检验标志），或输入图片文件、18位驾驶证号或号牌");
    public string NoQrInImage(string path) => T($"no QR code found in {path}", $"{path} 中未找到二维码");
    public string NotLicenceQr => T("the QR code is neither an electronic driving licence nor an inspection mark", "此二维码既不是电子驾驶证也不是电子检验标志");
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
}
