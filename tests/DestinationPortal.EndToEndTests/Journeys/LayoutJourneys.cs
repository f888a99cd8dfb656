using DestinationPortal.EndToEndTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>
/// The portal at a phone's width, at wide desktop widths and from the keyboard alone. Each journey has a portal of its
/// own (an empty data directory), so the grid shows only the destinations it made.
/// </summary>
[Collection(PortalTestGroup.Name)]
public sealed class LayoutJourneys(PortalFixture portal)
{
    private const int PhoneWidth = 390;

    [Fact]
    public async Task Phone_390px_EveryAppBarActionToolbarButtonAndTestResultIsReachable()
    {
        var app = await portal.StartAppAsync();
        var session = new PortalSession(app);
        await using var context = await portal.NewContextAsync(app, width: PhoneWidth, height: 844);
        var signIn = await context.NewPageAsync();
        await signIn.GotoAsync("account/signin");
        await Expect(signIn.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await ExpectNoSideScrollAsync(signIn);
        await Screenshots.SaveAsync(signIn, "phone-sign-in.png", fullPage: false);
        await signIn.CloseAsync();

        var page = await session.OpenAsync(context);
        await ExpectNoSideScrollAsync(page);

        // Export, Import and Add wrap under the heading: all on screen and working.
        foreach (var action in new[] { "Export", "Import", "Add" })
        {
            await ExpectWithinWidthAsync(page.GetByRole(AriaRole.Link, new() { Name = action, Exact = true }).Or(DestinationForm.Button(page, action)));
        }

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export", Exact = true }).ClickAsync());
        Assert.EndsWith(".json", download.SuggestedFilename, StringComparison.Ordinal);
        await DestinationForm.Button(page, "Import").ClickAsync();
        var import = page.GetByRole(AriaRole.Dialog);
        await Expect(import).ToBeVisibleAsync();
        await ExpectWithinWidthAsync(import.GetByRole(AriaRole.Button, new() { Name = "Choose file" }));
        await import.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        await Expect(import).ToHaveCountAsync(0);

        var name = $"phone-{Unique.Token()}";
        await DestinationForm.AddAsync(page);
        await ExpectNoSideScrollAsync(page);
        await DestinationForm.FillAsync(page, WorkingDestination(name));
        await DestinationForm.Button(page, "Test Connection").ClickAsync();
        // On a phone the report is below the form: it is brought into view when the test starts.
        await Expect(TestReport.Result(page)).ToContainTextAsync("Connection works.");
        await Expect(TestReport.Panel(page)).ToBeInViewportAsync();
        await Screenshots.SaveAsync(page, "phone-destination-details.png", fullPage: true);
        await DestinationForm.SaveAsync(page, name);
        await Expect(DestinationForm.Row(page, name)).ToBeVisibleAsync();
        // The grid stacks each row as label: value pairs; every value and action must fit the screen, not be cut off at
        // its edge (the grid clips rather than scrolling the page, so the side-scroll check alone misses it).
        var grid = page.Locator(".destinations-grid");
        await ExpectInsideAsync(page.GetByRole(AriaRole.Button, new() { Name = $"Delete {name}", Exact = true }), grid);
        await ExpectInsideAsync(DestinationForm.Row(page, name).GetByRole(AriaRole.Link, new() { Name = name, Exact = true }), grid);
        await ExpectInsideAsync(DestinationForm.Row(page, name).GetByText("by ", new() { Exact = false }).Last, grid);
        await Screenshots.SaveAsync(page, "phone-manage-destinations.png", fullPage: false);

        // Recent tests keeps its Result and Time columns on screen.
        await DestinationForm.OpenAsync(page, name);
        await DestinationForm.Button(page, "Test Connection").ClickAsync();
        await Expect(TestReport.Result(page)).ToContainTextAsync("Connection works.");
        var history = page.GetByTestId("test-history");
        await Expect(history.Locator("tbody tr")).ToHaveCountAsync(1);
        foreach (var column in new[] { "When", "Result", "Time" })
        {
            await ExpectWithinWidthAsync(history.GetByRole(AriaRole.Columnheader, new() { Name = column, Exact = true }));
        }

        await ExpectWithinWidthAsync(history.Locator("tbody tr td").Filter(new() { HasText = " ms" }).Last);
        await ExpectNoSideScrollAsync(page);
        await history.ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots.OutputDirectory, "phone-recent-tests.png") });

        // Every app-bar action through the Menu button: the links, who is signed in, and Sign out.
        var menu = page.GetByRole(AriaRole.Button, new() { Name = "Menu", Exact = true });
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(nav).ToBeHiddenAsync();
        foreach (var (link, heading) in new[] { ("Users", "Users"), ("Audit", "Audit trail"), ("API tokens", "API tokens"), ("Destinations", "Manage Destinations") })
        {
            await menu.ClickAsync();
            await Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
            var target = nav.GetByRole(AriaRole.Link, new() { Name = link, Exact = true });
            await ExpectWithinWidthAsync(target);
            await target.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
            // The menu closes behind the person who used it.
            await Expect(nav).ToBeHiddenAsync();
            // Every page fits: a table wider than the phone (Users, API tokens) scrolls inside its own frame.
            await ExpectNoSideScrollAsync(page);

            await Screenshots.SaveAsync(page, $"phone-{heading.ToLowerInvariant().Replace(' ', '-')}.png", fullPage: false);
        }

        await menu.ClickAsync();
        await ExpectWithinWidthAsync(page.GetByTestId("signed-in-user"));
        await Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync(PortalFixture.AdminName);
        await Screenshots.SaveAsync(page, "phone-menu.png", fullPage: false);
        var signOut = page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true });
        await ExpectWithinWidthAsync(signOut);
        await signOut.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

        await PortalSession.SignInAsync(page, PortalFixture.AdminName, PortalFixture.AdminPassword);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage Destinations" })).ToBeVisibleAsync();
        // A server-rendered account page, never interactive: a plain visit.
        await page.GotoAsync("account/change-password");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Change password" })).ToBeVisibleAsync();
        await ExpectNoSideScrollAsync(page);
        await Screenshots.SaveAsync(page, "phone-change-password.png", fullPage: false);
    }

    [Fact]
    public async Task Phone_390px_SetupPageFits()
    {
        var app = await portal.StartAppAsync(new Dictionary<string, string> { ["Portal__Admin__UserName"] = "", ["Portal__Admin__Password"] = "" });
        await using var context = await portal.NewContextAsync(app, width: PhoneWidth, height: 844);
        var page = await context.NewPageAsync();
        await page.GotoAsync("account/setup");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set up the portal" })).ToBeVisibleAsync();
        await ExpectNoSideScrollAsync(page);
        await Screenshots.SaveAsync(page, "phone-setup.png", fullPage: true);
    }

    [Fact]
    public async Task Keyboard_FromTheListToASavedTestedDestination_WithoutAMouse()
    {
        var app = await portal.StartAppAsync();
        var session = new PortalSession(app);
        await using var context = await portal.NewContextAsync(app, width: 1280, height: 900);
        var page = await session.OpenAsync(context);
        var keys = page.Keyboard;

        // The focus ring: 2px, outside the element, in the app bar's text colour there and the primary colour on the page.
        await TabToAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true }));
        await ExpectFocusRingAsync(page, "--mud-palette-appbar-text");
        await TabToAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Add", Exact = true }));
        await ExpectFocusRingAsync(page, "--mud-palette-primary");
        await keys.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New destination" })).ToBeVisibleAsync();

        // Tabbing through the whole form without typing marks nothing red.
        await TabToAsync(page, DestinationForm.Button(page, "Test Connection"));
        await Expect(page.Locator(".mud-input-helper-text.mud-input-error, .labeled-select-error")).ToHaveCountAsync(0);

        // Escape asks before throwing typing away; Enter on the focused "Keep editing" stays.
        var name = $"keys-{Unique.Token()}";
        var values = WorkingDestination(name);
        await TabToAsync(page, DestinationForm.Field(page, "Name"), backwards: true);
        await keys.TypeAsync(name);
        await keys.PressAsync("Escape");
        var question = page.GetByRole(AriaRole.Dialog);
        await Expect(question).ToContainTextAsync("Discard unsaved changes?");
        await Expect(question.GetByRole(AriaRole.Button, new() { Name = "Keep editing" })).ToBeFocusedAsync();
        await keys.PressAsync("Enter");
        await Expect(question).ToHaveCountAsync(0);
        await Expect(DestinationForm.Field(page, "Name")).ToHaveValueAsync(name);

        await TypeIntoAsync(page, "Server Name", values.ServerName!);
        await TypeIntoAsync(page, "Port", values.Port!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await TypeIntoAsync(page, "Username", values.Username!);
        await TypeIntoAsync(page, "Password", values.Password!);
        await TypeIntoAsync(page, "Database", values.Database!);

        await TabToAsync(page, DestinationForm.Button(page, "Test Connection"));
        await keys.PressAsync("Enter");
        await Expect(TestReport.Result(page)).ToContainTextAsync("Connection works.");
        await Expect(page.GetByTestId("test-announcement")).ToContainTextAsync("Test Connection finished. Connection works.");

        await TabToAsync(page, DestinationForm.Button(page, "Save"));
        await keys.PressAsync("Space");
        await Expect(page.GetByText($"Saved \"{name}\".", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage Destinations" })).ToBeVisibleAsync();
        await Expect(DestinationForm.Row(page, name)).ToBeVisibleAsync();

        // From the filter to the first row: one stop per sortable column (seven), no column-options menus.
        await TabToAsync(page, DestinationForm.Field(page, "Filter"));
        var headerStops = 0;
        while (true)
        {
            await keys.PressAsync("Tab");
            var where = await page.EvaluateAsync<string>("() => document.activeElement?.closest('thead') ? 'head' : document.activeElement?.closest('tbody') ? 'body' : 'other'");
            if (where == "body")
            {
                break;
            }

            Assert.Equal("head", where);
            headerStops++;
            Assert.True(headerStops <= 20, "Tab never reached the first row.");
        }

        Assert.Equal(7, headerStops);
        await Expect(DestinationForm.Row(page, name).GetByRole(AriaRole.Link, new() { Name = name, Exact = true })).ToBeFocusedAsync();
    }

    [Theory]
    [InlineData(1440, 900)]
    [InlineData(1920, 1080)]
    public async Task Wide_TestFromTheList_ReportBesideTheFormInView(int width, int height)
    {
        var app = await portal.StartAppAsync();
        var session = new PortalSession(app);
        await using var context = await portal.NewContextAsync(app, width: width, height: height);
        var page = await session.OpenAsync(context);
        var name = $"wide-{Unique.Token()}";
        await DestinationForm.CreateAsync(page, WorkingDestination(name));

        await DestinationForm.Row(page, name).GetByRole(AriaRole.Link, new() { Name = $"Test {name}", Exact = true }).ClickAsync();
        await Expect(TestReport.Result(page)).ToContainTextAsync("Connection works.");

        // Beside the form, not under it; its column and the result on screen, and the page not scrolled to get there.
        var column = await BoxAsync(page.Locator(".details-report"));
        var form = await BoxAsync(page.Locator("form.destination-form"));
        Assert.True(column.X >= form.X + form.Width, $"The report starts at x={column.X}, inside the form (ends at {form.X + form.Width}).");
        foreach (var (what, box) in new[] { ("report column", column), ("result", await BoxAsync(TestReport.Result(page))) })
        {
            Assert.True(box.Y >= 0 && box.Y + box.Height <= height, $"The {what} spans y={box.Y}..{box.Y + box.Height}, outside the {height}px viewport.");
        }

        Assert.Equal(0, await page.EvaluateAsync<double>("() => window.scrollY"));
        await Screenshots.SaveAsync(page, $"wide-{width}-test-report.png", fullPage: false);
    }

    private DestinationValues WorkingDestination(string name) => new(name)
    {
        ServerName = "127.0.0.1",
        Port = portal.PostgreSql.Tls.Port,
        Username = TestRoles.Scram,
        Password = TestRoles.ScramPassword,
        Database = "postgres",
    };

    /// <summary>Presses Tab (or Shift+Tab) until <paramref name="target"/> has the focus; fails after 60 presses.</summary>
    private static async Task<int> TabToAsync(IPage page, ILocator target, bool backwards = false)
    {
        for (var presses = 1; presses <= 60; presses++)
        {
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement"))
            {
                return presses;
            }
        }

        Assert.Fail($"Tab never reached {target}.");
        return 0;
    }

    /// <summary>Tabs to the field and replaces its text by typing, as a person would (select all, then type).</summary>
    private static async Task TypeIntoAsync(IPage page, string label, string text)
    {
        var field = DestinationForm.Field(page, label);
        await TabToAsync(page, field);
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync(text);
        await Expect(field).ToHaveValueAsync(text);
    }

    private static async Task ExpectFocusRingAsync(IPage page, string colourVariable)
    {
        var ring = await page.EvaluateAsync<string[]>("""
            v => {
              const e = document.activeElement;
              const style = getComputedStyle(e);
              const probe = document.createElement('span');
              probe.style.color = `var(${v})`;
              e.parentElement.appendChild(probe);
              const expected = getComputedStyle(probe).color;
              probe.remove();
              return [style.outlineStyle, style.outlineWidth, style.outlineOffset, style.outlineColor, expected];
            }
            """, colourVariable);
        Assert.Equal("solid", ring[0]);
        Assert.Equal("2px", ring[1]);
        Assert.Equal("2px", ring[2]);
        Assert.Equal(ring[4], ring[3]);
    }

    private static async Task<LocatorBoundingBoxResult> BoxAsync(ILocator locator)
    {
        var box = await locator.BoundingBoxAsync();
        Assert.NotNull(box);
        return box;
    }

    private static async Task ExpectWithinWidthAsync(ILocator locator)
    {
        await Expect(locator).ToBeVisibleAsync();
        var box = await locator.BoundingBoxAsync();
        Assert.NotNull(box);
        var width = locator.Page.ViewportSize!.Width;
        Assert.True(box.X >= 0 && box.X + box.Width <= width, $"{locator} spans x={box.X}..{box.X + box.Width}, outside the {width}px viewport.");
    }

    // Inside the container's box: a container that clips its overflow hides what sticks out without scrolling the page.
    private static async Task ExpectInsideAsync(ILocator locator, ILocator container)
    {
        await Expect(locator).ToBeVisibleAsync();
        var box = await locator.BoundingBoxAsync();
        var frame = await container.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.NotNull(frame);
        Assert.True(box.X >= frame.X && box.X + box.Width <= frame.X + frame.Width + 0.5,
            $"{locator} spans x={box.X}..{box.X + box.Width}, outside its container's x={frame.X}..{frame.X + frame.Width}.");
    }

    private static async Task ExpectNoSideScrollAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            $"{page.Url} scrolls sideways at {page.ViewportSize!.Width}px.");
}
