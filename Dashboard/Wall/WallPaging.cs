namespace Dashboard.Wall;

/// <summary>
/// One page of the wall's rotation: up to <see cref="WallOptions.TilesPerPage"/> assets of one site.
/// </summary>
/// <param name="Number">Position of the page in the whole rotation, from 1.</param>
/// <param name="SitePage">Position of the page among the pages of its site, from 1.</param>
public sealed record WallPage(int Number, string Site, int SitePage, int SitePageCount, IReadOnlyList<AssetKey> Assets);

/// <summary>
/// Splits assets into the pages that the wall rotates through, site by site, so that one page never mixes sites.
/// </summary>
public static class WallPaging
{
    /// <summary>
    /// Returns the pages of <paramref name="assets"/>, or of one site's assets when <paramref name="site"/> is set,
    /// ordered by site and asset id.
    /// </summary>
    public static IReadOnlyList<WallPage> Build(IEnumerable<AssetKey> assets, string? site, int tilesPerPage)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tilesPerPage, 1);
        var pages = new List<WallPage>();
        var bySite = assets
            .Where(asset => site is null || string.Equals(asset.Site, site, StringComparison.Ordinal))
            .Order()
            .GroupBy(asset => asset.Site, StringComparer.Ordinal);

        foreach (var group in bySite)
        {
            var chunks = group.Chunk(tilesPerPage).ToArray();
            for (var i = 0; i < chunks.Length; i++)
            {
                pages.Add(new WallPage(pages.Count + 1, group.Key, i + 1, chunks.Length, chunks[i]));
            }
        }

        return pages;
    }

    /// <summary>
    /// Returns the zero-based index of page <paramref name="number"/> (from 1), wrapped into the rotation, so a
    /// bookmarked page beyond the end starts over at the first page.
    /// </summary>
    public static int IndexOf(int number, int pageCount)
    {
        if (pageCount <= 0 || number < 1)
        {
            return 0;
        }

        return (number - 1) % pageCount;
    }

    /// <summary>
    /// Returns the grid for pages of <paramref name="tiles"/> tiles: the column count whose tiles come closest
    /// to 1.4 times as wide as high, with a penalty for empty cells.
    /// </summary>
    /// <remarks>
    /// NOTE: the shape assumes a 16:9 screen whose header takes a tenth of its height. On a portrait or
    /// ultra-wide screen, tiles come out taller or wider than intended.
    /// </remarks>
    public static (int Columns, int Rows) Grid(int tiles)
    {
        const double ScreenAspect = 16.0 / 9 / 0.9;
        const double TileAspect = 1.4;
        const double EmptyCellPenalty = 0.6;
        if (tiles <= 1)
        {
            return (1, 1);
        }

        var best = (Columns: 1, Rows: tiles, Score: double.MaxValue);
        for (var columns = 1; columns <= tiles; columns++)
        {
            var rows = (int)Math.Ceiling(tiles / (double)columns);
            var aspect = ScreenAspect * rows / columns;
            var score = Math.Abs(Math.Log(aspect / TileAspect)) + (EmptyCellPenalty * ((rows * columns) - tiles) / tiles);
            if (score < best.Score)
            {
                best = (columns, rows, score);
            }
        }

        return (best.Columns, best.Rows);
    }
}
