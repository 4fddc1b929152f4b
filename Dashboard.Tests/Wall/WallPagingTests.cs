using Dashboard.Wall;

namespace Dashboard.Tests.Wall;

public sealed class WallPagingTests
{
    [Fact]
    public void Pages_NeverMixSites()
    {
        AssetKey[] assets = [new("south", "b"), new("north", "c"), new("north", "a"), new("south", "a"), new("north", "b")];

        var pages = WallPaging.Build(assets, site: null, tilesPerPage: 2);

        Assert.Equal(["north:a,b", "north:c", "south:a,b"], pages.Select(page => $"{page.Site}:{string.Join(',', page.Assets.Select(a => a.Asset))}"));
        Assert.Equal([1, 2, 3], pages.Select(page => page.Number));
        Assert.Equal([(1, 2), (2, 2), (1, 1)], pages.Select(page => (page.SitePage, page.SitePageCount)));
    }

    [Fact]
    public void Site_KeepsOnlyItsAssets()
    {
        AssetKey[] assets = [new("south", "b"), new("north", "c"), new("south", "a")];

        var pages = WallPaging.Build(assets, site: "south", tilesPerPage: 8);

        var page = Assert.Single(pages);
        Assert.Equal(["a", "b"], page.Assets.Select(asset => asset.Asset));
    }

    [Fact]
    public void NoAssets_GiveNoPages() => Assert.Empty(WallPaging.Build([], null, 8));

    [Theory]
    [InlineData(1, 3, 0)]
    [InlineData(3, 3, 2)]
    [InlineData(4, 3, 0)]
    [InlineData(5, 3, 1)]
    [InlineData(0, 3, 0)]
    [InlineData(-2, 3, 0)]
    [InlineData(2, 0, 0)]
    public void IndexOf_WrapsIntoRotation(int number, int pageCount, int expected) =>
        Assert.Equal(expected, WallPaging.IndexOf(number, pageCount));

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(4, 2, 2)]
    [InlineData(8, 4, 2)]
    [InlineData(12, 4, 3)]
    [InlineData(24, 6, 4)]
    public void Grid_FitsTilesToScreen(int tiles, int columns, int rows) =>
        Assert.Equal((columns, rows), WallPaging.Grid(tiles));
}
