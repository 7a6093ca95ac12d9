using ELicense.V1;

namespace ELicense.Server.Registry.Seeding;

/// <summary>
/// Lookup tables behind <see cref="SyntheticRegistry"/>. Area codes and authority names follow real
/// ones; violation codes, points and fines are illustrative (typical of the 2022 scoring rules) and not
/// an authoritative list.
/// </summary>
internal static class SyntheticTables
{
    public sealed record Area(string Code, string Name, string Authority);

    /// <param name="VehicleType">Its GA 802 vehicle type code, fitting <paramref name="Type"/>.</param>
    /// <param name="Weight">How often it is drawn among its plate type's models (relative).</param>
    public sealed record Model(string Name, string Wmi, PlateType Type, string VehicleType, int Weight);

    public sealed record ViolationCode(string Code, string Description, int Points, int FineYuan, int CameraWeight, int OnSiteWeight);

    public static readonly Area[] Areas =
    [
        new("110101", "北京市东城区", "北京市公安局公安交通管理局"),
        new("110105", "北京市朝阳区", "北京市公安局公安交通管理局"),
        new("110108", "北京市海淀区", "北京市公安局公安交通管理局"),
        new("120101", "天津市和平区", "天津市公安局公安交通管理局"),
        new("130102", "河北省石家庄市长安区", "石家庄市公安局交通警察支队"),
        new("140105", "山西省太原市小店区", "太原市公安局交通警察支队"),
        new("210102", "辽宁省沈阳市和平区", "沈阳市公安局交通警察支队"),
        new("220102", "吉林省长春市南关区", "长春市公安局交通警察支队"),
        new("230102", "黑龙江省哈尔滨市道里区", "哈尔滨市公安局交通警察支队"),
        new("310104", "上海市徐汇区", "上海市公安局交通警察总队"),
        new("310115", "上海市浦东新区", "上海市公安局交通警察总队"),
        new("320102", "江苏省南京市玄武区", "南京市公安局交通管理局"),
        new("320505", "江苏省苏州市虎丘区", "苏州市公安局交通警察支队"),
        new("330106", "浙江省杭州市西湖区", "杭州市公安局交通警察支队"),
        new("340104", "安徽省合肥市蜀山区", "合肥市公安局交通警察支队"),
        new("350203", "福建省厦门市思明区", "厦门市公安局交通警察支队"),
        new("360102", "江西省南昌市东湖区", "南昌市公安局交通管理局"),
        new("370102", "山东省济南市历下区", "济南市公安局交通警察支队"),
        new("370202", "山东省青岛市市南区", "青岛市公安局交通警察支队"),
        new("410105", "河南省郑州市金水区", "郑州市公安局交通警察支队"),
        new("420106", "湖北省武汉市武昌区", "武汉市公安局交通管理局"),
        new("430104", "湖南省长沙市岳麓区", "长沙市公安局交通警察支队"),
        new("440106", "广东省广州市天河区", "广州市公安局交通警察支队"),
        new("440305", "广东省深圳市南山区", "深圳市公安局交通警察支队"),
        new("450103", "广西壮族自治区南宁市青秀区", "南宁市公安局交通警察支队"),
        new("460106", "海南省海口市龙华区", "海口市公安局交通警察支队"),
        new("500103", "重庆市渝中区", "重庆市公安局交通巡逻警察总队"),
        new("510104", "四川省成都市锦江区", "成都市公安局交通管理局"),
        new("520102", "贵州省贵阳市南明区", "贵阳市公安交通管理局"),
        new("530102", "云南省昆明市五华区", "昆明市公安局交通管理支队"),
        new("610103", "陕西省西安市碑林区", "西安市公安局交通警察支队"),
        new("620102", "甘肃省兰州市城关区", "兰州市公安局交通警察支队"),
        new("650102", "新疆维吾尔自治区乌鲁木齐市天山区", "乌鲁木齐市公安局交通警察支队"),
    ];

    /// <summary>Common surnames; the most common appear twice so that they come up more often.</summary>
    public const string Surnames =
        "王王李李张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛";

    public const string GivenNameCharacters =
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红鹏飞斌宇浩凯健俊帆帅旭宁欣怡婷雪琳晨阳佳嘉子轩梓涵一诺雨萱思博文昊天瑞泽睿晓峰海波建国志宏丹颖秀云龙";

    /// <summary>
    /// Makes and models per plate type, each with its vehicle type (GA 802) and a weight: how often it is
    /// drawn among the models of its plate type. SYNTHETIC: the shares are assumptions, not statistics.
    /// With the plate-type shares of <see cref="SyntheticRegistry.Plate"/> (02 small 80 %, 52 small
    /// new-energy 12 %, 01 large 5 %, 51 large new-energy 3 %) they give: K33 small sedans 56.8 %,
    /// K31/K32 small cars, SUVs and MPVs 24.8 %, K41/K43 mini cars 2.6 %, H3x/H4x light and mini trucks
    /// 7.8 % (blue plates), H1x/H2x heavy and medium trucks 2.8 %, Q11 tractor units 1.8 %, K1x/K2x
    /// buses 3.4 % (most new-energy large plates are city buses). The vehicle type always fits the plate
    /// type (buses, medium and heavy trucks, tractors on large plates; cars, light and mini trucks on
    /// small ones). No motorcycles, low-speed trucks or three-wheelers: they carry plate types (07, 13…)
    /// the contract has no value for yet, so the seed cannot give them a consistent plate.
    /// </summary>
    public static readonly Model[] Models =
    [
        new("大众 朗逸", "LSV", PlateType.Small, "K33", 14),
        new("大众 速腾", "LFV", PlateType.Small, "K33", 10),
        new("丰田 卡罗拉", "LVG", PlateType.Small, "K33", 10),
        new("日产 轩逸", "LGB", PlateType.Small, "K33", 10),
        new("本田 思域", "LHG", PlateType.Small, "K33", 6),
        new("别克 英朗", "LSG", PlateType.Small, "K33", 6),
        new("吉利 帝豪", "L6T", PlateType.Small, "K33", 6),
        new("长安 CS75", "LS5", PlateType.Small, "K31", 10),
        new("哈弗 H6", "LGW", PlateType.Small, "K32", 10),
        new("别克 GL8", "LSG", PlateType.Small, "K31", 8),
        new("福田 奥铃", "LVB", PlateType.Small, "H31", 4),
        new("江淮 帅铃", "LJ1", PlateType.Small, "H32", 3),
        new("五菱 荣光小卡", "LZW", PlateType.Small, "H41", 2),
        new("五菱 宏光", "LZW", PlateType.Small, "K41", 1),
        new("比亚迪 秦PLUS", "LGX", PlateType.SmallNewEnergy, "K33", 30),
        new("比亚迪 汉EV", "LGX", PlateType.SmallNewEnergy, "K33", 15),
        new("特斯拉 Model 3", "LRW", PlateType.SmallNewEnergy, "K33", 15),
        new("五菱 宏光MINIEV", "LZW", PlateType.SmallNewEnergy, "K43", 15),
        new("理想 L7", "LW4", PlateType.SmallNewEnergy, "K31", 20),
        new("比亚迪 T5", "LGX", PlateType.SmallNewEnergy, "H32", 5),
        new("解放 J6P 牵引车", "LFW", PlateType.Large, "Q11", 25),
        new("东风 天龙KL 牵引车", "LGA", PlateType.Large, "Q11", 5),
        new("重汽 豪沃 自卸车", "LZZ", PlateType.Large, "H17", 15),
        new("东风 天龙 载货车", "LGA", PlateType.Large, "H11", 15),
        new("解放 J6L 厢式车", "LFW", PlateType.Large, "H22", 10),
        new("东风 多利卡 D9", "LGD", PlateType.Large, "H21", 10),
        new("宇通 ZK6122", "LZY", PlateType.Large, "K11", 12),
        new("金龙 XMQ6729", "LA9", PlateType.Large, "K21", 8),
        new("比亚迪 K9", "LC0", PlateType.LargeNewEnergy, "K11", 45),
        new("宇通 E12", "LZY", PlateType.LargeNewEnergy, "K11", 35),
        new("三一 江山 电动重卡", "LFC", PlateType.LargeNewEnergy, "H11", 10),
        new("宇通 T7 电动牵引车", "LZY", PlateType.LargeNewEnergy, "Q11", 10),
    ];

    public static readonly ViolationCode[] ViolationCodes =
    [
        new("1625", "驾驶机动车违反道路交通信号灯通行的", 6, 200, 14, 4),
        new("1352", "驾驶机动车行驶超过规定时速未达20%的", 3, 200, 24, 3),
        new("1636", "驾驶机动车行驶超过规定时速20%以上未达50%的", 6, 200, 5, 2),
        new("1039", "机动车违反规定停放、临时停车，驾驶人不在现场，妨碍其他车辆、行人通行的", 0, 200, 22, 10),
        new("1345", "驾驶机动车违反禁令标志指示的", 3, 200, 10, 4),
        new("1301", "驾驶机动车逆向行驶的", 3, 200, 4, 6),
        new("1357", "驾驶机动车行经人行横道不按规定减速、停车、避让行人的", 3, 200, 8, 5),
        new("1240", "驾驶人未按规定使用安全带的", 1, 50, 6, 12),
        new("1223", "驾驶机动车有拨打、接听手持电话等妨碍安全驾驶行为的", 3, 200, 6, 10),
        new("1042", "不按规定车道行驶的", 1, 100, 1, 3),
        new("1711", "饮酒后驾驶机动车的", 12, 1500, 0, 3),
        new("6050", "驾驶机动车行驶超过规定时速50%以上的", 12, 1500, 1, 1),
        new("1344", "机动车违反禁止标线指示的", 1, 100, 5, 2),
    ];

    public static readonly string[] Places =
    [
        "北京市东城区建国门内大街", "北京市朝阳区东三环中路", "北京市海淀区中关村大街", "天津市和平区南京路",
        "上海市徐汇区漕溪北路", "上海市浦东新区世纪大道", "南京市玄武区中山路", "杭州市西湖区文三路",
        "广州市天河区天河路", "深圳市南山区深南大道", "成都市锦江区红星路", "武汉市武昌区中北路",
        "西安市碑林区南大街", "重庆市渝中区解放碑", "郑州市金水区花园路", "长沙市岳麓区麓山南路",
        "济南市历下区泉城路", "沈阳市和平区青年大街", "G4京港澳高速K1024+300", "G15沈海高速K1532+800",
    ];
}
