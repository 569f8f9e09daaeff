//! Words for the demo organization: people's names and what an IT desk hears and
//! says, per default category. Only `store::demo` reads this; it holds no logic.

pub const FIRST_NAMES: &[&str] = &[
    "Amira", "Ben", "Chloe", "Daniel", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Keiko",
    "Liam", "Maya", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Samir", "Tara", "Umar", "Vera",
    "Wes", "Xenia", "Yusuf", "Zoe",
];

pub const LAST_NAMES: &[&str] = &[
    "Adler",
    "Baptiste",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Patel",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Varga",
    "Weber",
    "Yilmaz",
];

pub const DEPARTMENTS: &[&str] = &[
    "Finance",
    "Sales",
    "Marketing",
    "HR",
    "Legal",
    "Warehouse",
    "Reception",
    "Engineering",
];

/// (title, description) per category, in the order of `domain::defaults`.
pub const TICKETS: &[&[(&str, &str)]] = &[
    &[
        (
            "Locked out after password change",
            "I changed my password this morning and now every sign-in says the account is locked.",
        ),
        (
            "Need access to the Finance shared drive",
            "I moved to Finance this week and cannot open S:\\Finance\\Budgets.",
        ),
        (
            "MFA prompt never arrives",
            "The authenticator app on my new phone does not get the sign-in prompt.",
        ),
        (
            "Remove access for a leaver",
            "Please remove mailbox and VPN access for a colleague who left on Friday.",
        ),
        (
            "Password expired while on holiday",
            "Back from leave and my password expired; I cannot sign in to the laptop.",
        ),
    ],
    &[
        (
            "Laptop screen flickers",
            "The screen flickers and goes black when I move the lid.",
        ),
        (
            "Battery drains in an hour",
            "My laptop battery is at 100% but dies after about an hour unplugged.",
        ),
        (
            "Docking station does not charge",
            "The dock powers the monitors but the laptop does not charge.",
        ),
        (
            "Keyboard keys sticking",
            "Coffee spill yesterday; E and R keys now stick.",
        ),
        (
            "Fan very loud",
            "The desktop fan is constantly loud, even when idle.",
        ),
    ],
    &[
        (
            "Excel crashes when saving",
            "Excel freezes and closes whenever I save the monthly report.",
        ),
        (
            "Need a licence for Visio",
            "I need Visio for process diagrams for the audit.",
        ),
        (
            "Teams camera not detected",
            "Teams says no camera found although the webcam works in other apps.",
        ),
        (
            "Accounting app update fails",
            "The update for the accounting application stops at 80% with error 1603.",
        ),
        (
            "PDF editor asks for activation",
            "The PDF editor asks for an activation key every time I open it.",
        ),
    ],
    &[
        (
            "Wi-Fi drops in meeting room 3",
            "Wi-Fi drops every few minutes in meeting room 3 on the second floor.",
        ),
        (
            "VPN disconnects from home",
            "The VPN connects, then drops after ten minutes at home.",
        ),
        (
            "No network at new desk",
            "The wall port at my new desk gives no connection.",
        ),
        (
            "Guest Wi-Fi password not working",
            "Visitors cannot join the guest Wi-Fi with today's password.",
        ),
        (
            "Very slow internet on floor 4",
            "Pages take ages to load on floor 4 since this morning.",
        ),
    ],
    &[
        (
            "Suspicious invoice e-mail",
            "I got an invoice e-mail from a supplier we do not use with a zip attached.",
        ),
        (
            "Calendar not syncing to phone",
            "Meetings created on my laptop do not show on my phone.",
        ),
        (
            "Shared mailbox missing",
            "The sales shared mailbox disappeared from my mail client.",
        ),
        (
            "Mailbox almost full",
            "I get warnings that my mailbox is almost full.",
        ),
        (
            "E-mails to a customer bounce",
            "Messages to one customer domain bounce with a 550 error.",
        ),
    ],
    &[
        (
            "Printer on 2nd floor jams",
            "The 2nd floor printer jams on every double-sided job.",
        ),
        (
            "Cannot add the new printer",
            "The new lobby printer does not appear when I try to add it.",
        ),
        (
            "Prints come out blank",
            "Pages come out blank from the warehouse printer.",
        ),
        (
            "Scan to e-mail not working",
            "Scanning to e-mail on the copier fails with an SMTP error.",
        ),
        (
            "Printer offline for Mac users",
            "Mac users see the finance printer as offline.",
        ),
    ],
    &[
        (
            "New starter next Monday",
            "A new colleague starts next Monday in Sales and needs a laptop and accounts.",
        ),
        (
            "Move desk to another floor",
            "I am moving desks on Thursday and need my phone and dock moved.",
        ),
        (
            "Projector in boardroom",
            "The boardroom projector shows no signal from laptops.",
        ),
        (
            "Request a second monitor",
            "Could I get a second monitor for spreadsheet work?",
        ),
        (
            "Conference phone crackles",
            "The conference phone crackles during calls.",
        ),
    ],
];

/// (cause, steps) per category, for resolved tickets.
pub const RESOLUTIONS: &[&[(&str, &str)]] = &[
    &[("Account locked by repeated sign-ins from an old phone", "Removed the stale mail profile on the phone, unlocked the account, confirmed sign-in.")],
    &[("Loose display cable in the hinge", "Replaced the display cable under warranty and tested for 30 minutes.")],
    &[("Corrupt add-in loaded at save", "Disabled the add-in, repaired Office and re-enabled the add-ins one by one.")],
    &[("Access point on an old firmware", "Updated the access point firmware and moved the room to a less crowded channel.")],
    &[("Message was phishing", "Blocked the sender domain, purged the message from all mailboxes, reminded the user not to open attachments.")],
    &[("Worn pickup roller", "Replaced the pickup roller and cleaned the paper path.")],
    &[("Request fulfilled", "Prepared the equipment and accounts and confirmed with the requester.")],
];

pub const AGENT_REPLIES: &[&str] = &[
    "Thanks for reporting this. I am looking into it now.",
    "Could you tell me when this started and whether anything changed just before?",
    "I have made a change on our side. Can you try again and let me know?",
    "I will come by your desk this afternoon to take a look.",
    "We have ordered the part; it should arrive in two working days.",
    "Could you send a screenshot of the error message?",
    "This should be fixed now. Please confirm it works for you.",
];

pub const REQUESTER_REPLIES: &[&str] = &[
    "Thanks, it started yesterday after the update.",
    "Tried again and it still happens.",
    "Yes, that works now. Thank you!",
    "I am at my desk until 4 pm.",
    "Here is the error: 0x80070005 access denied.",
    "A colleague next to me has the same problem.",
];

pub const INTERNAL_NOTES: &[&str] = &[
    "Checked the logs: repeated failures from an old device.",
    "Same symptom as last month's ticket; probably the same root cause.",
    "Waiting on the vendor; case opened with their support.",
    "Needs a tier 2 look at the switch configuration.",
    "User is a VIP; keep them updated closely.",
];

pub const TASKS: &[&str] = &[
    "Check the event log",
    "Back up user data",
    "Order replacement part",
    "Update drivers",
    "Confirm fix with requester",
    "Update the asset register",
];

pub const ESCALATION_REASONS: &[&str] = &[
    "Needs network team",
    "Hardware replacement needs approval",
    "Root cause unclear after first-line checks",
];
