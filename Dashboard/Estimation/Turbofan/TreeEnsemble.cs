using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Dashboard.Estimation.Turbofan;

/// <summary>
/// Immutable copy of the regression trees of one trained ML.NET LightGBM or FastTree model, evaluated without a
/// PredictionEngine. Instances are safe for concurrent use because evaluation only reads the arrays.
/// </summary>
/// <remarks>
/// Evaluation follows the RegressionTreeBase contract of Microsoft.ML.FastTree 6.0: at node i go to LeftChild[i]
/// when feature NumericalSplitFeatureIndexes[i] is less than or equal to NumericalSplitThresholds[i], otherwise to
/// RightChild[i]. A negative child c is leaf ~c. The output is Bias plus the weighted sum of the leaf values.
/// Categorical splits are not supported because the RUL features are all numeric.
/// </remarks>
public sealed class TreeEnsemble
{
    private readonly Tree[] trees;
    private readonly double bias;

    private TreeEnsemble(Tree[] trees, double bias)
    {
        this.trees = trees;
        this.bias = bias;
    }

    public int TreeCount => trees.Length;

    /// <summary>Copies the trees out of a model loaded or trained by ML.NET.</summary>
    /// <exception cref="NotSupportedException">The model is not a tree-ensemble regression model, or it uses categorical splits.</exception>
    public static TreeEnsemble FromTransformer(ITransformer transformer)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        var last = transformer is TransformerChain<ITransformer> chain ? chain.LastTransformer : transformer;
        var ensemble = last switch
        {
            RegressionPredictionTransformer<LightGbmRegressionModelParameters> lightGbm => lightGbm.Model.TrainedTreeEnsemble,
            RegressionPredictionTransformer<FastTreeRegressionModelParameters> fastTree => fastTree.Model.TrainedTreeEnsemble,
            _ => throw new NotSupportedException($"Expected a LightGBM or FastTree regression model but got {last.GetType().Name}."),
        };

        var copies = new Tree[ensemble.Trees.Count];
        for (var t = 0; t < copies.Length; t++)
        {
            copies[t] = Tree.Copy(ensemble.Trees[t], ensemble.TreeWeights[t]);
        }

        return new TreeEnsemble(copies, ensemble.Bias);
    }

    /// <summary>Returns the model output for one feature vector.</summary>
    public double Predict(ReadOnlySpan<float> features)
    {
        var sum = bias;
        foreach (var tree in trees)
        {
            sum += tree.Evaluate(features);
        }

        return sum;
    }

    /// <summary>One tree with its split nodes stored together, so that a path touches few cache lines.</summary>
    private sealed class Tree
    {
        private readonly Node[] nodes;
        private readonly double[] leafValues;

        private Tree(Node[] nodes, double[] leafValues)
        {
            this.nodes = nodes;
            this.leafValues = leafValues;
        }

        public static Tree Copy(RegressionTreeBase tree, double weight)
        {
            if (tree.CategoricalSplitFlags.Any(isCategorical => isCategorical))
            {
                throw new NotSupportedException("Trees with categorical splits are not supported.");
            }

            var nodes = new Node[tree.NumberOfNodes];
            for (var i = 0; i < nodes.Length; i++)
            {
                nodes[i] = new Node(tree.NumericalSplitFeatureIndexes[i], tree.NumericalSplitThresholds[i], tree.LeftChild[i], tree.RightChild[i]);
            }

            return new Tree(nodes, [.. tree.LeafValues.Select(v => v * weight)]);
        }

        public double Evaluate(ReadOnlySpan<float> features)
        {
            if (nodes.Length == 0)
            {
                return leafValues[0];
            }

            var index = 0;
            while (index >= 0)
            {
                ref readonly var node = ref nodes[index];
                index = features[node.Feature] <= node.Threshold ? node.Left : node.Right;
            }

            return leafValues[~index];
        }
    }

    private readonly record struct Node(int Feature, float Threshold, int Left, int Right);
}
